import { execFile } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { findMotoServer } from '../src/moto.js'

const here = dirname(fileURLToPath(import.meta.url))

/**
 * Without moto_server the example cannot run: say so loudly and skip, except in CI (CI=true),
 * where a missing emulator must fail instead of silently dropping the example's coverage.
 */
function motoPresent(): boolean {
  if (findMotoServer()) return true
  const message =
    '\n!!! moto_server is not on PATH: the aws-web-tier example test is SKIPPED.\n' +
    '!!! It runs the example against moto_server (pip install "moto[server]").\n' +
    '!!! In CI (CI=true) this is a failure, not a skip.\n'
  if (process.env.CI === 'true') throw new Error(message)
  console.warn(message)
  return false
}

/** Runs the example as `pnpm start` does, and resolves with its exit code and output. */
function runExample(env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '--conditions=@skyloom/source', join(here, '../src/main.ts')],
      { cwd: join(here, '..'), env, timeout: 240_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
        resolve({ code, stdout, stderr })
      },
    )
  })
}

describe.skipIf(!motoPresent())('the aws-web-tier example (pnpm start)', () => {
  it('starts moto, plans with costs, applies, prints outputs, destroys everything and exits 0', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' }
    // As a user runs it: no emulator given, so the example starts its own.
    delete env.AWS_ENDPOINT_URL_EC2
    const { code, stdout, stderr } = await runExample(env)
    expect(code, `exit code ${code}\n${stdout}\n${stderr}`).toBe(0)

    expect(stdout).toMatch(
      /Cloud: moto_server started on http:\/\/127\.0\.0\.1:\d+, us-east-1, fake credentials/,
    )
    // 1. The plan, with a monthly cost per machine and in total.
    expect(stdout).toContain('7 to create, 0 to update, 0 to replace, 0 to delete.')
    expect(stdout).toMatch(/\+ instance\s+web-1\s+\$\d+\.\d\d\/mo/)
    expect(stdout).toMatch(/\+ instance-group\s+app\s+\$\d+\.\d\d\/mo/)
    expect(stdout).toMatch(/Monthly cost: \$0\.00 -> \$\d+\.\d\d/)
    // 2. The apply.
    expect(stdout).toMatch(/Created 7 resources in [\d.]+ s with \d+ API calls/)
    // 3. The outputs: real EC2 ids, the resolved instance type, public addresses for the web tier.
    expect(stdout).toMatch(/network vpc\s+vpc-[0-9a-f]+\s+10\.42\.0\.0\/16/)
    expect(stdout).toMatch(/subnet public\s+subnet-[0-9a-f]+\s+10\.42\.1\.0\/24/)
    expect(stdout).toMatch(/firewall web\s+sg-[0-9a-f]+/)
    expect(stdout).toMatch(
      /instance web-1\s+i-[0-9a-f]+\s+t3a\.small\s+running\s+private 10\.42\.1\.\d+\s+public \d+\.\d+\.\d+\.\d+/,
    )
    expect(stdout).toMatch(
      /instance-group app\s+aws-web-tier-app-[0-9a-f]+\s+desired 2\s+instances i-[0-9a-f]+, i-[0-9a-f]+/,
    )
    // 4. The destroy, and nothing left behind (gateway, route table and launch template included).
    expect(stdout).toContain('0 to create, 0 to update, 0 to replace, 7 to delete.')
    expect(stdout).toMatch(/Deleted 7 resources in/)
    expect(stdout).toContain('Left in the cloud tagged skyloom-stack=aws-web-tier: 0')
    expect(stdout.trimEnd().endsWith('Done.')).toBe(true)
  }, 300_000)

  it('refuses an endpoint that is not on this machine unless --real is given', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NO_COLOR: '1',
      AWS_ENDPOINT_URL_EC2: 'https://ec2.us-east-1.amazonaws.com',
    }
    const { code, stderr } = await runExample(env)
    expect(code).toBe(1)
    expect(stderr).toContain('not on this machine')
    expect(stderr).toContain('--real')
  }, 60_000)
})
