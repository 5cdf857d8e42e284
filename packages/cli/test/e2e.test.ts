// The real command, spawned the way a developer runs it from the repository root:
//   node --import tsx --conditions=@skyloom/source packages/cli/src/bin.ts …
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { fixture, jsonLines, repoRoot, workDir } from './helpers.js'

function run(args: readonly string[], cwd: string, env: Record<string, string> = {}) {
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--conditions=@skyloom/source', 'packages/cli/src/bin.ts', ...args],
    {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 60_000,
      // stdin is not a terminal here (it is /dev/null), nor is stdout.
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        NO_COLOR: undefined,
        FORCE_COLOR: undefined,
        // The fixture keeps its sim cloud here rather than in the repository root.
        WEB_CLOUD: join(cwd, 'cloud.json'),
        ...env,
      },
    },
  )
  return { code: child.status, stdout: child.stdout, stderr: child.stderr }
}

describe('the skyloom command (spawned)', () => {
  it('applies, refuses to apply unattended without --yes, plans clean, destroys', () => {
    const cwd = workDir()
    const state = ['--state-dir', join(cwd, 'state')]
    const web = fixture('web.ts')

    const refused = run(['apply', web, ...state], cwd)
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain('stdin is not a terminal. Pass --yes')

    const applied = run(['apply', web, '--yes', ...state], cwd)
    expect(applied.stderr).toBe('')
    expect(applied.code).toBe(0)
    // Not a terminal: plain lines, no escape sequences, no redrawing.
    expect(applied.stdout).not.toContain('\u001b[')
    expect(applied.stdout).toContain('Applying 5 steps to stack "web" (state version 0).')
    expect(applied.stdout).toMatch(/^\[0:00\.0\] start {4}\+ create web\/network\/net$/m)
    expect(applied.stdout).toContain('✓ Apply of stack "web" finished in 36s (simulated time): 5 created.')

    const planned = run(['plan', web, '--detailed-exitcode', ...state], cwd)
    expect(planned.code).toBe(0)
    expect(planned.stdout).toContain('No changes.')

    const destroyed = run(['destroy', web, '--yes', '--json', ...state], cwd)
    expect(destroyed.code).toBe(0)
    const lines = jsonLines(destroyed.stdout)
    expect(lines.at(-1)).toMatchObject({ type: 'result', command: 'destroy', ok: true, exitCode: 0 })
  })

  it('exits 2 for a module that is not there, and 1 when steps fail', () => {
    const cwd = workDir()
    const missing = run(['plan', 'nowhere/stack.ts'], cwd)
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain(`No stack module at ${join(repoRoot, 'nowhere', 'stack.ts')}`)

    const failed = run(['apply', fixture('web.ts'), '--yes', '--state-dir', join(cwd, 'state')], cwd, {
      WEB_FAIL: 'web-2',
    })
    expect(failed.code).toBe(1)
    expect(failed.stdout).toContain('1 failed')
  })
})
