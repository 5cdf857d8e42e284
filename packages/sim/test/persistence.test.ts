import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { testContext } from '@skyloom/core/testing'
import { describe, expect, it } from 'vitest'
import { createSim } from '../src/index.js'
import { failure, handlersOf, networkProps, subnetProps } from './helpers.js'

const here = dirname(fileURLToPath(import.meta.url))
const tempFile = () => join(mkdtempSync(join(tmpdir(), 'sim-state-')), 'cloud.json')

describe('file persistence', () => {
  it('keeps the cloud in a JSON file that a new provider instance picks up', async () => {
    const file = tempFile()
    const first = createSim({ stateFile: file, consistencyDelayMs: 0, latency: { scale: 0 } })
    const handlers = handlersOf(first)
    const ctx = testContext({ stack: 'web', kind: 'network', name: 'net', idempotencyKey: 'k1' })
    const net = await handlers.network.create(networkProps('10.0.0.0/16', { team: 'a' }), ctx)
    expect(net.ready).toBe(true)

    const second = createSim({ stateFile: file, consistencyDelayMs: 0 })
    const again = handlersOf(second)
    const read = await again.network.read(net.id, ctx)
    expect(read?.props).toEqual({ cidr: '10.0.0.0/16', tags: { team: 'a' } })
    // The idempotency index is part of the file: the same key still means the same network.
    expect((await again.network.create(networkProps('10.0.0.0/16', { team: 'a' }), ctx)).id).toBe(net.id)
    // A change by one instance is seen by the other, which reloads the replaced file.
    second.cloud.mutate(net.id, { tags: { team: 'b' } })
    expect((await handlers.network.read(net.id, ctx))?.props.tags).toEqual({ team: 'b' })
    // Writes go through a temporary file that is renamed away.
    expect(readdirSync(dirname(file))).toEqual(['cloud.json'])
  })

  it('outlives a process killed right after its creates: nothing lost, nothing duplicated', async () => {
    const file = tempFile()
    const child = spawnSync(
      process.execPath,
      [
        '--conditions=@skyloom/source',
        '--import',
        'tsx',
        join(here, 'fixtures', 'crash-after-create.ts'),
        file,
      ],
      { cwd: join(here, '..'), encoding: 'utf8', timeout: 60_000 },
    )
    expect(child.signal).toBe('SIGKILL')
    const ids = JSON.parse(child.stdout.trim()) as { network: string; subnet: string; pid: number }
    expect(ids.pid).not.toBe(process.pid)

    const provider = createSim({ stateFile: file, consistencyDelayMs: 0 })
    const handlers = handlersOf(provider)
    const ctx = (kind: string, name: string) =>
      testContext({ stack: 'crash', kind, name, idempotencyKey: `key-${kind}-${name}` })
    const found = await handlers.subnet.find({ ownership: ctx('subnet', 'a').ownership }, ctx('subnet', 'a'))
    expect(found.map((item) => item.id)).toEqual([ids.subnet])
    const retried = await handlers.network.create(
      networkProps('10.0.0.0/16', { from: 'child' }),
      ctx('network', 'net'),
    )
    expect(retried.id).toBe(ids.network)
    expect(provider.cloud.resources().map((resource) => resource.id)).toEqual([ids.network, ids.subnet])
    // The child's cloud enforces its rules here too.
    const overlap = await failure(() =>
      handlers.subnet.create(subnetProps(ids.network, '10.0.1.0/24'), ctx('subnet', 'b')),
    )
    expect(overlap.cloudCode).toBe('InvalidSubnet.Conflict')
  })

  it('refuses a corrupt state file, naming it and leaving it untouched', async () => {
    const file = tempFile()
    writeFileSync(file, '{ not json')
    const provider = createSim({ stateFile: file })
    const error = await failure(() =>
      handlersOf(provider).network.create(networkProps(), testContext({ kind: 'network', name: 'net' })),
    )
    expect(error.classification).toBe('fatal')
    expect(error.message).toContain(file)
    expect(error.message).toMatch(/not valid JSON/)
    expect(readFileSync(file, 'utf8')).toBe('{ not json')

    writeFileSync(
      file,
      JSON.stringify({ version: 99, counter: 0, publicCounter: 0, resources: {}, idempotency: {} }),
    )
    const newer = await failure(() =>
      handlersOf(createSim({ stateFile: file })).network.create(
        networkProps(),
        testContext({ kind: 'network', name: 'n' }),
      ),
    )
    expect(newer.message).toMatch(/layout version 99/)
  })

  it('keeps regions apart in one file', async () => {
    const file = tempFile()
    const east = createSim({ stateFile: file, region: 'sim-east-1', consistencyDelayMs: 0 })
    const west = createSim({ stateFile: file, region: 'sim-west-1', consistencyDelayMs: 0 })
    const ctx = testContext({ kind: 'network', name: 'net' })
    const a = await handlersOf(east).network.create(networkProps(), ctx)
    const b = await handlersOf(west).network.create(
      networkProps(),
      testContext({ kind: 'network', name: 'net' }),
    )
    expect(a.id).not.toBe(b.id)
    expect(east.cloud.resources().map((resource) => resource.id)).toEqual([a.id])
    expect(west.cloud.resources().map((resource) => [resource.id, resource.region])).toEqual([
      [b.id, 'sim-west-1'],
    ])
    expect(await handlersOf(west).network.read(a.id, ctx)).toBeUndefined()
    expect(existsSync(file)).toBe(true)
  })
})
