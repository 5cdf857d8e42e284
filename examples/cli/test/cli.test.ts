import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const here = dirname(fileURLToPath(import.meta.url))
const repo = join(here, '../../..')
const dirs: string[] = []
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true })
})

/** Runs `skyloom` as a user would, from a working directory; resolves its exit code and output. */
function skyloom(cwd: string, args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      // tsx by path: the working directory is a scratch folder with no node_modules.
      [
        '--import',
        pathToFileURL(join(repo, 'node_modules/tsx/dist/loader.mjs')).href,
        '--conditions=@skyloom/source',
        join(repo, 'packages/cli/src/bin.ts'),
        ...args,
      ],
      { cwd, env: { ...process.env, NO_COLOR: '1', ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    )
  })
}

describe('the skyloom command on the example stack module', () => {
  it('plans, applies, scales, shows state and graph, and destroys', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'skyloom-cli-example-'))
    dirs.push(cwd)
    const module = join(here, '../web.stack.ts')
    const plan = await skyloom(cwd, ['plan', module])
    expect(plan.code).toBe(0)
    expect(plan.stdout).toContain('5 to create, 0 to update, 0 to replace, 0 to delete.')
    expect((await skyloom(cwd, ['apply', module])).code).toBe(2) // no terminal and no --yes
    const apply = await skyloom(cwd, ['apply', module, '--yes'])
    expect(apply.code, apply.stderr).toBe(0)
    const scale = await skyloom(cwd, ['apply', module, '--yes', '--json'], { WEB_COUNT: '4' })
    expect(scale.code).toBe(0)
    const lines = scale.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string })
    expect(lines.filter((line) => line.type === 'step-end')).toHaveLength(2)
    expect(lines.at(-1)).toMatchObject({ type: 'result', exitCode: 0 })
    const show = await skyloom(cwd, ['state', 'show', 'web'])
    expect(show.stdout).toContain('web/instance/web-4')
    const graph = await skyloom(cwd, ['graph', module, '--format', 'dot', '--destroy'])
    expect(graph.stdout).toContain('digraph "web"')
    const destroy = await skyloom(cwd, ['destroy', module, '--yes'])
    expect(destroy.code).toBe(0)
    expect((await skyloom(cwd, ['state', 'history', 'web'])).stdout).toContain('destroy')
  }, 120_000)
})
