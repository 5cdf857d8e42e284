import { join } from 'node:path'
import { testContext } from '@skyloom/core/testing'
import { createSim } from '@skyloom/sim'
import { describe, expect, it } from 'vitest'
import { cloudOf, fixture, jsonLines, skyloom, workDir } from './helpers.js'

const web = fixture('web.ts')

describe('skyloom destroy', () => {
  it('deletes every resource, dependents first, and leaves an empty state', async () => {
    const cwd = workDir()
    await skyloom(cwd, ['apply', web, '--yes'])
    const { code, stdout } = await skyloom(cwd, ['destroy', web, '--yes'])
    expect(code).toBe(0)
    expect(stdout).toContain('Destroy plan for stack "web"')
    expect(stdout).toContain('0 to create, 0 to update, 0 to replace, 5 to delete.')
    expect(stdout).toContain('Monthly cost: $30.37 -> $0.00 (-$30.37)')
    expect(stdout).toMatch(/✓ Destroy of stack "web" finished in .*: 5 deleted\./)
    // The network goes last: everything depends on it.
    const deletes = stdout.split('\n').filter((line) => /\] done {5}- delete/.test(line))
    expect(deletes.at(-1)).toContain('web/network/net')
    expect(cloudOf(cwd).resources()).toEqual([])
    const show = await skyloom(cwd, ['state', 'show', 'web'])
    expect(show.stdout).toContain('0 resources')
  })

  it('asks first on a terminal, and refuses without --yes elsewhere', async () => {
    const cwd = workDir()
    await skyloom(cwd, ['apply', web, '--yes'])
    const refused = await skyloom(cwd, ['destroy', web])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain('Pass --yes')
    const declined = await skyloom(cwd, ['destroy', web], { answer: 'n' })
    expect(declined.stdout).toContain('Destroy every resource of stack "web"?')
    expect(declined.code).toBe(1)
    expect(cloudOf(cwd).resources()).toHaveLength(5)
  })
})

describe('skyloom refresh', () => {
  it('reports drift made behind Skyloom’s back, and plan then shows how to undo it', async () => {
    const cwd = workDir()
    await skyloom(cwd, ['apply', web, '--yes'])
    const cloud = cloudOf(cwd)
    const vm = cloud.resources({ kind: 'instance' })[0]
    cloud.mutate(vm?.id ?? '', { tags: { owner: 'mallory' } })

    const { code, stdout } = await skyloom(cwd, ['refresh', web, '--detailed-exitcode'])
    expect(code).toBe(3)
    expect(stdout).toContain('Refreshed stack "web": 5 resources read')
    expect(stdout).toContain('~ web/instance/web-1:')
    expect(stdout).toContain('tags: { team: "platform" } -> { team: "platform", owner: "mallory" }')
    expect(stdout).toContain('1 resource drifted.')

    const plan = await skyloom(cwd, ['plan', web])
    expect(plan.stdout).toMatch(/~ instance {2}web-1/)
    expect(plan.stdout).toContain('tags: { team: "platform", owner: "mallory" } -> { team: "platform" }')
  })

  it('says so when nothing drifted; --json gives the drift per resource', async () => {
    const cwd = workDir()
    await skyloom(cwd, ['apply', web, '--yes'])
    const clean = await skyloom(cwd, ['refresh', web, '--detailed-exitcode'])
    expect(clean.code).toBe(0)
    expect(clean.stdout).toContain('No drift: the cloud matches the state.')

    const cloud = cloudOf(cwd)
    const subnet = cloud.resources({ kind: 'subnet' })[0]
    cloud.delete(subnet?.id ?? '')
    const json = await skyloom(cwd, ['refresh', web, '--json'])
    const result = jsonLines(json.stdout).at(-1)
    expect(result).toMatchObject({
      type: 'result',
      command: 'refresh',
      drifted: ['web/subnet/a'],
      exitCode: 0,
    })
  })

  it('plan --refresh shows drift as it is found', async () => {
    const cwd = workDir()
    await skyloom(cwd, ['apply', web, '--yes'])
    const cloud = cloudOf(cwd)
    const vm = cloud.resources({ kind: 'instance' })[1]
    cloud.mutate(vm?.id ?? '', { tags: { env: 'prod' } })
    const { stdout } = await skyloom(cwd, ['plan', web, '--refresh'])
    expect(stdout).toContain('Drift: web/instance/web-2: tags')
    expect(stdout).toMatch(/~ instance {2}web-2/)
  })
})

describe('skyloom import', () => {
  /** Creates a network directly in the sim cloud, as someone at the console would. */
  async function legacyNetwork(cwd: string): Promise<string> {
    const stateFile = join(cwd, 'cloud.json')
    const provider = createSim({ stateFile, virtualTime: true, consistencyDelayMs: 0 })
    const ctx = testContext({ stack: 'console', kind: 'network', name: 'legacy', idempotencyKey: 'by-hand' })
    const created = await provider.kinds.network.create({ cidr: '10.9.0.0/16', tags: {} }, ctx)
    return created.id
  }

  it('brings an existing cloud resource under management', async () => {
    const cwd = workDir()
    const id = await legacyNetwork(cwd)
    const { code, stdout } = await skyloom(cwd, ['import', fixture('legacy.ts'), 'network/legacy', id])
    expect(code).toBe(0)
    expect(stdout).toContain(`✓ Imported network ${id} as ops/network/legacy`)
    const show = await skyloom(cwd, ['state', 'show', 'ops'])
    expect(show.stdout).toMatch(new RegExp(`ops/network/legacy\\s+network\\s+${id}\\s+ready`))
    const plan = await skyloom(cwd, ['plan', fixture('legacy.ts')])
    expect(plan.stdout).toContain('No changes.')
  })

  it('fails with exit 2 for an unknown id or an undeclared resource', async () => {
    const cwd = workDir()
    const unknown = await skyloom(cwd, ['import', fixture('legacy.ts'), 'network/legacy', 'net-99999999'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('net-99999999')
    const undeclared = await skyloom(cwd, ['import', fixture('legacy.ts'), 'network/other', 'net-1'])
    expect(undeclared.code).toBe(2)
    expect(undeclared.stderr).toContain('ops/network/other')
  })
})
