import { describe, expect, it, vi } from 'vitest'
import { cloudOf, fixture, jsonLines, skyloom, workDir } from './helpers.js'

const web = fixture('web.ts')

describe('failed steps', () => {
  it('exit 1, list the failure with its cause, and keep independent steps going', async () => {
    const cwd = workDir()
    const { code, stdout } = await skyloom(cwd, ['apply', web, '--yes'], { env: { WEB_FAIL: 'web-1' } })
    expect(code).toBe(1)
    expect(stdout).toMatch(/\] failed {3}\+ create web\/instance\/web-1: .*failed to provision/)
    expect(stdout).toMatch(/✗ Apply of stack "web" failed after .*: 4 done, 1 failed, 0 skipped\./)
    expect(stdout).toMatch(/ {2}✗ \+ create web\/instance\/web-1: .*injected by faults\.failResources/)
    expect(stdout).toContain('Fix the cause and run `skyloom apply')
    // web-2 does not depend on web-1: it was created anyway.
    expect(
      cloudOf(cwd)
        .resources({ kind: 'instance' })
        .filter((vm) => vm.status === 'ready'),
    ).toHaveLength(1)
  })

  it('lists skipped dependents of a failed step', async () => {
    const cwd = workDir()
    const { code, stdout } = await skyloom(cwd, ['apply', web, '--yes'], { env: { WEB_FAIL: 'a' } })
    expect(code).toBe(1)
    expect(stdout).toContain('skipped + create web/instance/web-1 (after web/subnet/a failed)')
    expect(stdout).toContain('skipped + create web/instance/web-2 (after web/subnet/a failed)')
  })

  it('--json: the failed step_end carries the error and the result says exit 1', async () => {
    const cwd = workDir()
    const { code, stdout } = await skyloom(cwd, ['apply', web, '--yes', '--json'], {
      env: { WEB_FAIL: 'web-2' },
    })
    expect(code).toBe(1)
    const lines = jsonLines(stdout)
    const failed = lines.find((line) => line.type === 'step-end' && line.outcome === 'failed')
    expect(failed).toMatchObject({ urn: 'web/instance/web-2', error: { code: 'SKYLOOM_PROVIDER' } })
    expect(lines.at(-1)).toMatchObject({ type: 'result', ok: false, outcome: 'failed', exitCode: 1 })
  })

  it('a live terminal display keeps failures above it', async () => {
    const cwd = workDir()
    const { code, stdout } = await skyloom(cwd, ['apply', web, '--yes'], {
      tty: true,
      env: { WEB_FAIL: 'web-1' },
    })
    expect(code).toBe(1)
    expect(stdout).toMatch(/✗ \+ create web\/instance\/web-1: .*failed to provision/)
  })
})

describe('Ctrl-C', () => {
  it('the first interrupt cancels gracefully (exit 130), saying a second one forces exit', async () => {
    const cwd = workDir()
    const exit = vi.fn()
    const { code, stdout } = await skyloom(cwd, ['apply', web, '--yes'], {
      env: { WEB_COUNT: '3' },
      exit,
      onInterrupt(listener) {
        // Interrupt as soon as the apply listens: no step has started yet.
        queueMicrotask(listener)
        return () => {}
      },
    })
    expect(code).toBe(130)
    expect(exit).not.toHaveBeenCalled()
    expect(stdout).toContain('Cancelling: no new steps start')
    expect(stdout).toContain('Press Ctrl-C again to exit at once.')
    expect(stdout).toMatch(/Apply of stack "web" was cancelled after/)
    // Nothing is lost: running again finishes the job.
    const again = await skyloom(cwd, ['apply', web, '--yes'], { env: { WEB_COUNT: '3' } })
    expect(again.code).toBe(0)
  })

  it('the second interrupt exits at once', async () => {
    const exit = vi.fn()
    await skyloom(workDir(), ['apply', web, '--yes'], {
      exit,
      onInterrupt(listener) {
        queueMicrotask(() => {
          listener()
          listener()
        })
        return () => {}
      },
    })
    expect(exit).toHaveBeenCalledWith(130)
  })
})
