import { describe, expect, it } from 'vitest'
import { loadStackModule, StackModuleError } from '../src/index.js'
import { fixture, skyloom, workDir } from './helpers.js'

const context = (cwd: string) => ({ command: 'plan', cwd, env: {} })

describe('stack module conventions', () => {
  it('a default export that is a function is called with the context; engine options come from `engine`', async () => {
    const cwd = workDir()
    const loaded = await loadStackModule(fixture('web.ts'), { ...context(cwd), env: { WEB_COUNT: '1' } })
    expect(loaded.exportName).toBe('default')
    expect(loaded.stack.name).toBe('web')
    expect(loaded.stack.resources.map((resource) => resource.name)).toEqual(['net', 'a', 'web', 'web-1'])
    expect(typeof loaded.engineOptions.clock?.now).toBe('function')
    expect(loaded.file).toBe(fixture('web.ts'))
  })

  it('an async default export works, with options from an `engineOptions` function', async () => {
    const loaded = await loadStackModule(fixture('legacy.ts'), context(workDir()))
    expect(loaded.stack.name).toBe('ops')
    expect(loaded.engineOptions.clock).toBeDefined()
  })

  it('`export const stack` in a .mjs file, with engine options as an object', async () => {
    const loaded = await loadStackModule(fixture('plain.mjs'), context(workDir()))
    expect(loaded.exportName).toBe('stack')
    expect(loaded.stack.name).toBe('plain')
    expect(loaded.engineOptions.clock).toBeDefined()
  })

  it('each load evaluates the module afresh', async () => {
    const cwd = workDir()
    const first = await loadStackModule(fixture('plain.mjs'), context(cwd))
    const second = await loadStackModule(fixture('plain.mjs'), context(cwd))
    expect(first.stack).not.toBe(second.stack)
  })

  it('resolves relative paths against cwd and fails with a typed error', async () => {
    const error = await loadStackModule('missing.ts', context('/somewhere')).catch(
      (caught: unknown) => caught,
    )
    expect(error).toBeInstanceOf(StackModuleError)
    expect((error as StackModuleError).reason).toBe('missing-file')
    expect((error as StackModuleError).file).toBe('/somewhere/missing.ts')
  })

  it('a .mjs stack with an in-memory cloud plans and applies from the CLI', async () => {
    const cwd = workDir()
    const { code, stdout } = await skyloom(cwd, ['apply', fixture('plain.mjs'), '--yes'])
    expect(code).toBe(0)
    expect(stdout).toContain('2 created')
  })
})
