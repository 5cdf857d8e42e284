import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileState, systemClock } from '@skyloom/core'
import { describe, expect, it } from 'vitest'
import { fixture, jsonLines, readText, skyloom, workDir } from './helpers.js'

const web = fixture('web.ts')
const vault = fixture('vault.ts')

describe('skyloom state', () => {
  it('list shows each stack with its version and resource count', async () => {
    const cwd = workDir()
    expect((await skyloom(cwd, ['state', 'list'])).stdout).toContain(
      `No stacks in ${join(cwd, '.skyloom', 'state')}.`,
    )
    await skyloom(cwd, ['apply', web, '--yes'])
    await skyloom(cwd, ['apply', vault, '--yes'])
    const { code, stdout } = await skyloom(cwd, ['state', 'list'])
    expect(code).toBe(0)
    expect(stdout).toMatch(/STACK\s+VERSION\s+RESOURCES\s+UPDATED/)
    expect(stdout).toMatch(/vault\s+\d+\s+1\s/)
    expect(stdout).toMatch(/web\s+\d+\s+5\s/)
  })

  it('show lists resources and outputs, with secrets as (secret)', async () => {
    const cwd = workDir()
    await skyloom(cwd, ['apply', vault, '--yes'])
    const { code, stdout } = await skyloom(cwd, ['state', 'show', 'vault'])
    expect(code).toBe(0)
    expect(stdout).toMatch(/URN\s+KIND\s+ID\s+STATUS/)
    expect(stdout).toMatch(/vault\/vault:password\/db\s+vault:password\s+pw-db\s+ready/)
    expect(stdout).toContain('username = "admin"')
    expect(stdout).toContain('password = (secret)')
    expect(stdout).not.toContain('hunter2')
    const json = jsonLines((await skyloom(cwd, ['state', 'show', 'vault', '--json'])).stdout)
    expect(JSON.stringify(json)).not.toContain('hunter2')
    expect(json.at(-1)).toMatchObject({ type: 'result', command: 'state show', stack: 'vault' })
  })

  it('keeps secrets encrypted with a passphrase from SKYLOOM_PASSPHRASE or --passphrase-file', async () => {
    const cwd = workDir()
    const env = { SKYLOOM_PASSPHRASE: 'correct horse battery staple' }
    expect((await skyloom(cwd, ['apply', vault, '--yes'], { env })).code).toBe(0)
    const stored = ['state.json', 'journal.ndjson']
      .map((file) => readText(join(cwd, '.skyloom', 'state', 'vault', file)))
      .join('\n')
    expect(stored).not.toContain('hunter2')
    expect(stored).toContain('"ct"')
    writeFileSync(join(cwd, 'pass.txt'), 'correct horse battery staple\n')
    const shown = await skyloom(cwd, ['state', 'show', 'vault', '--passphrase-file', 'pass.txt'])
    expect(shown.code).toBe(0)
    expect(shown.stdout).toContain('password = (secret)')
    const wrong = await skyloom(cwd, ['plan', vault], { env: { SKYLOOM_PASSPHRASE: 'wrong' } })
    expect(wrong.code).toBe(2)
    const missing = await skyloom(cwd, ['state', 'show', 'vault', '--passphrase-file', 'nope.txt'])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain(`Cannot read the passphrase file ${join(cwd, 'nope.txt')}`)
  })

  it('history lists saved versions and restore makes one current again', async () => {
    const cwd = workDir()
    await skyloom(cwd, ['apply', web, '--yes'])
    await skyloom(cwd, ['apply', web, '--yes'], { env: { WEB_COUNT: '3' } })
    const history = await skyloom(cwd, ['state', 'history', 'web', '--json'])
    const entries = (jsonLines(history.stdout).at(-1)?.history ?? []) as Array<{
      version: number
      resources: number
    }>
    expect(entries.map((entry) => entry.resources)).toEqual([6, 5])
    const first = entries[1]?.version ?? -1

    const table = await skyloom(cwd, ['state', 'history', 'web'])
    expect(table.stdout).toMatch(/VERSION\s+SAVED\s+OPERATION\s+RESOURCES/)
    expect(table.stdout).toMatch(new RegExp(`${first}\\s+\\S+\\s+apply\\s+5`))

    const restored = await skyloom(cwd, ['state', 'restore', 'web', String(first)])
    expect(restored.code).toBe(0)
    expect(restored.stdout).toContain(`✓ Restored stack "web" to version ${first}`)
    expect(restored.stdout).toContain('(5 resources)')
    // The state forgot web-3, so the plan wants to create it again (the cloud still has it).
    const plan = await skyloom(cwd, ['plan', web], { env: { WEB_COUNT: '3' } })
    expect(plan.stdout).toContain('1 to create')

    const bad = await skyloom(cwd, ['state', 'restore', 'web', '999'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('has no saved version 999')
    const notNumber = await skyloom(cwd, ['state', 'restore', 'web', 'latest'])
    expect(notNumber.code).toBe(2)
  })

  it('show and history name the state directory when the stack is not there', async () => {
    const cwd = workDir()
    const { code, stderr } = await skyloom(cwd, ['state', 'show', 'nope'])
    expect(code).toBe(2)
    expect(stderr).toContain(`No state for stack "nope" in ${join(cwd, '.skyloom', 'state')}`)
  })

  it('honours --state-dir and SKYLOOM_STATE_DIR', async () => {
    const cwd = workDir()
    await skyloom(cwd, ['apply', vault, '--yes', '--state-dir', 'elsewhere'])
    expect((await skyloom(cwd, ['state', 'list'])).stdout).toContain('No stacks')
    expect((await skyloom(cwd, ['state', 'list', '--state-dir', 'elsewhere'])).stdout).toMatch(/vault\s+\d/)
    const viaEnv = await skyloom(cwd, ['state', 'list'], {
      env: { SKYLOOM_STATE_DIR: join(cwd, 'elsewhere') },
    })
    expect(viaEnv.stdout).toMatch(/vault\s+\d/)
  })

  it('a held lock stops apply with exit 2 naming the holder; unlock breaks it', async () => {
    const cwd = workDir()
    const store = fileState({ dir: join(cwd, '.skyloom', 'state') })
    await store.lock('web', {
      owner: 'alice@build-7',
      operation: 'apply',
      leaseMs: 10 * 60_000,
      waitMs: 0,
      clock: systemClock,
    })

    const blocked = await skyloom(cwd, ['apply', web, '--yes'])
    expect(blocked.code).toBe(2)
    expect(blocked.stderr).toContain('Stack "web" is locked by alice@build-7:')
    expect(blocked.stderr).toContain(`operation apply, pid ${process.pid}`)
    expect(blocked.stderr).toContain('skyloom state unlock web')

    const json = await skyloom(cwd, ['apply', web, '--yes', '--json'])
    expect(jsonLines(json.stdout).at(-1)).toMatchObject({
      type: 'error',
      code: 'SKYLOOM_LOCKED',
      holder: { owner: 'alice@build-7', operation: 'apply' },
      exitCode: 2,
    })

    const refused = await skyloom(cwd, ['state', 'unlock', 'web'])
    expect(refused.code).toBe(2)
    const unlocked = await skyloom(cwd, ['state', 'unlock', 'web', '--yes'])
    expect(unlocked.code).toBe(0)
    expect(unlocked.stdout).toContain('✓ Unlocked stack "web". It was held by alice@build-7 (apply')
    expect((await skyloom(cwd, ['state', 'unlock', 'web', '--yes'])).stdout).toContain(
      'Stack "web" was not locked.',
    )
    expect((await skyloom(cwd, ['apply', web, '--yes'])).code).toBe(0)
  })
})
