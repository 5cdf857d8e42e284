import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cloudOf, fixture, jsonLines, readText, skyloom, workDir } from './helpers.js'

const web = fixture('web.ts')

describe('skyloom plan', () => {
  it('prints the changes with monthly costs and changes nothing', async () => {
    const cwd = workDir()
    const { code, stdout, stderr } = await skyloom(cwd, ['plan', web])
    expect(stderr).toBe('')
    expect(code).toBe(0)
    expect(stdout).toContain('Plan for stack "web" (state version 0)')
    expect(stdout).toMatch(/\+ network {3}net/)
    expect(stdout).toMatch(/\+ instance {2}web-1 {2}\$15\.18\/mo/)
    expect(stdout).toContain('5 to create, 0 to update, 0 to replace, 0 to delete.')
    expect(stdout).toContain('Monthly cost: $0.00 -> $30.37 (+$30.37)')
    expect(stdout).toContain(`Make these changes: skyloom apply ${web}`)
    expect(cloudOf(cwd).resources()).toEqual([])
  })

  it('--detailed-exitcode exits 3 with changes and 0 without', async () => {
    const cwd = workDir()
    expect((await skyloom(cwd, ['plan', web, '--detailed-exitcode'])).code).toBe(3)
    expect((await skyloom(cwd, ['apply', web, '--yes'])).code).toBe(0)
    const again = await skyloom(cwd, ['plan', web, '--detailed-exitcode'])
    expect(again.code).toBe(0)
    expect(again.stdout).toContain('No changes. The cloud matches the stack.')
  })

  it('--detail shows the props of resources to create, secrets as (secret)', async () => {
    const { stdout } = await skyloom(workDir(), ['plan', web, '--detail'])
    expect(stdout).toContain('cidr = "10.0.0.0/16"')
    expect(stdout).toContain('userData = (secret)')
    expect(stdout).not.toContain('echo hello')
  })

  it('colours the plan when FORCE_COLOR is set, and never with NO_COLOR or --no-color', async () => {
    const colored = await skyloom(workDir(), ['plan', web], {
      env: { NO_COLOR: undefined, FORCE_COLOR: '1' },
    })
    expect(colored.stdout).toContain('\u001b[32m')
    const noColor = await skyloom(workDir(), ['plan', web], { env: { NO_COLOR: '1', FORCE_COLOR: '1' } })
    expect(noColor.stdout).not.toContain('\u001b[')
    const flag = await skyloom(workDir(), ['plan', web, '--no-color'], {
      env: { NO_COLOR: undefined, FORCE_COLOR: '1' },
    })
    expect(flag.stdout).not.toContain('\u001b[')
  })
})

describe('skyloom apply', () => {
  it('--yes applies with one line per event when stdout is not a terminal', async () => {
    const cwd = workDir()
    const { code, stdout, stderr } = await skyloom(cwd, ['apply', web, '--yes'])
    expect(stderr).toBe('')
    expect(code).toBe(0)
    expect(stdout).toContain('Applying 5 steps to stack "web" (state version 0).')
    expect(stdout).toMatch(/\[0:00\.0\] start {4}\+ create web\/network\/net/)
    expect(stdout).toMatch(/\] done {5}\+ create web\/instance\/web-1: \d/)
    expect(stdout).toContain('✓ Apply of stack "web" finished in 36s (simulated time): 5 created.')
    expect(stdout).toMatch(/\d+ API calls, 0 throttled, 0 retries; state version \d+\./)
    expect(stdout).not.toContain('\u001b[')
    expect(
      cloudOf(cwd)
        .resources()
        .map((resource) => resource.kind),
    ).toEqual(['firewall', 'instance', 'instance', 'network', 'subnet'])
  })

  it('refuses without --yes when stdin is not a terminal (exit 2, nothing applied)', async () => {
    const cwd = workDir()
    const { code, stdout, stderr } = await skyloom(cwd, ['apply', web])
    expect(code).toBe(2)
    expect(stdout).toContain('5 to create')
    expect(stderr).toContain('stdin is not a terminal. Pass --yes')
    expect(cloudOf(cwd).resources()).toEqual([])
    expect((await skyloom(cwd, ['state', 'list'])).stdout).toContain('No stacks in')
  })

  it('asks on a terminal and applies only after "yes"', async () => {
    const cwd = workDir()
    const declined = await skyloom(cwd, ['apply', web], { answer: 'no' })
    expect(declined.code).toBe(1)
    expect(declined.stdout).toContain('Apply these changes to stack "web"? Only "yes" is accepted:')
    expect(declined.stdout).toContain('Apply cancelled; nothing was changed.')
    expect(cloudOf(cwd).resources()).toEqual([])

    const accepted = await skyloom(cwd, ['apply', web], { answer: 'yes' })
    expect(accepted.code).toBe(0)
    expect(accepted.stdout).toContain('5 created')
  })

  it('does nothing, without asking, when there are no changes', async () => {
    const cwd = workDir()
    await skyloom(cwd, ['apply', web, '--yes'])
    const { code, stdout } = await skyloom(cwd, ['apply', web])
    expect(code).toBe(0)
    expect(stdout).toContain('Nothing to do.')
  })

  it('applies a plan saved with plan --out, and refuses it once the state has moved', async () => {
    const cwd = workDir()
    const saved = await skyloom(cwd, ['plan', web, '--out', 'plan.json'])
    expect(saved.code).toBe(0)
    expect(saved.stdout).toContain(`Saved the plan to ${join(cwd, 'plan.json')}.`)
    expect(JSON.parse(readText(join(cwd, 'plan.json'))).formatVersion).toBe(1)

    const applied = await skyloom(cwd, ['apply', web, '--plan-file', 'plan.json', '--yes'])
    expect(applied.code).toBe(0)
    expect(applied.stdout).toContain('5 created')

    const stale = await skyloom(cwd, ['apply', web, '--plan-file', 'plan.json', '--yes'])
    expect(stale.code).toBe(2)
    expect(stale.stderr).toContain('was made against state version 0')
    expect(stale.stderr).toContain('Plan again')
  })

  it('reports a plan file that cannot be read or parsed as bad input', async () => {
    const cwd = workDir()
    const missing = await skyloom(cwd, ['apply', web, '--plan-file', 'nope.json', '--yes'])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain(`Cannot read the plan file ${join(cwd, 'nope.json')}`)
    const combined = await skyloom(cwd, ['apply', web, '--plan-file', 'p.json', '--refresh'])
    expect(combined.code).toBe(2)
    expect(combined.stderr).toContain('--refresh cannot be combined with --plan-file')
  })

  it('scales the stack: the second apply adds only the new instances', async () => {
    const cwd = workDir()
    await skyloom(cwd, ['apply', web, '--yes'])
    const { code, stdout } = await skyloom(cwd, ['apply', web, '--yes'], { env: { WEB_COUNT: '4' } })
    expect(code).toBe(0)
    expect(stdout).toContain('2 to create, 0 to update, 0 to replace, 0 to delete.')
    expect(stdout).toContain('Monthly cost: $30.37 -> $60.74 (+$30.37)')
    expect(stdout).toContain('2 created')
  })

  it('draws live progress in place on a terminal', async () => {
    const cwd = workDir()
    const { code, stdout } = await skyloom(cwd, ['apply', web, '--yes'], {
      tty: true,
      env: { WEB_COUNT: '3' },
    })
    expect(code).toBe(0)
    expect(stdout).toMatch(/Applying "web" {2}0\/6 done · 0 failed · 0 retries · 0ms \(simulated time\)/)
    // Each redraw moves the cursor back up over the previous frame and clears below it.
    const esc = String.fromCharCode(27)
    expect(stdout).toMatch(new RegExp(`\r${esc}\\[\\d+A${esc}\\[0J`))
    // No one-line-per-event output on a terminal.
    expect(stdout).not.toContain('[0:00.0] start')
    expect(stdout).toContain('6 created')
  })

  it('writes no report and says why when the core has no report renderer', async () => {
    const { findApplyReportRenderer } = await import('../src/index.js')
    const cwd = workDir()
    const { code, stdout, stderr } = await skyloom(cwd, [
      'apply',
      web,
      '--yes',
      '--report',
      'out/report.html',
    ])
    expect(code).toBe(0)
    if (findApplyReportRenderer()) {
      expect(stdout).toContain(`Report: ${join(cwd, 'out', 'report.html')}`)
      expect(readText(join(cwd, 'out', 'report.html'))).toMatch(/<html|<!doctype html/i)
    } else {
      expect(stderr).toContain('no apply report renderer (renderApplyReport) yet; --report is ignored')
      expect(existsSync(join(cwd, 'out', 'report.html'))).toBe(false)
    }
  })

  it('--json prints every event as a JSON line and the result last', async () => {
    const cwd = workDir()
    const { code, stdout } = await skyloom(cwd, ['apply', web, '--yes', '--json'])
    expect(code).toBe(0)
    const lines = jsonLines(stdout)
    const types = lines.map((line) => line.type)
    expect(types.slice(0, 3)).toEqual(['plan-start', 'plan-end', 'apply-start'])
    expect(types.filter((type) => type === 'step-start')).toHaveLength(5)
    expect(types.filter((type) => type === 'step-end')).toHaveLength(5)
    expect(types.at(-2)).toBe('apply-end')
    const result = lines.at(-1)
    expect(result).toMatchObject({
      type: 'result',
      command: 'apply',
      stack: 'web',
      ok: true,
      outcome: 'succeeded',
      counts: { done: 5, failed: 0 },
      exitCode: 0,
    })
    expect(stdout).not.toContain('echo hello')
  })
})
