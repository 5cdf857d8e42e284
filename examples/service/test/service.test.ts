import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { createEngine, type EngineEvent, memoryState } from '@skyloom/core'
import { createSim } from '@skyloom/sim'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPlatformServer } from '../src/server.js'

/** Reads a server-sent event stream to its end: [{ event, data }]. */
async function readEvents(response: Response): Promise<Array<{ event: string; data: unknown }>> {
  const text = await response.text()
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message'
      const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? 'null') as unknown
      return { event, data }
    })
}

describe('the platform service example', () => {
  const cloud = createSim({ latency: { scale: 0.02 } })
  const engine = createEngine({ state: memoryState(), clock: cloud.clock })
  const server = createPlatformServer(engine, cloud)
  let base = ''
  beforeAll(async () => {
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  it('provisions environments concurrently, streaming progress as server-sent events', async () => {
    const [a, b] = await Promise.all([
      fetch(`${base}/environments/pr-1?servers=3`, { method: 'PUT' }),
      fetch(`${base}/environments/pr-2?servers=2`, { method: 'PUT' }),
    ])
    expect(a.headers.get('content-type')).toBe('text/event-stream')
    const [eventsA, eventsB] = await Promise.all([readEvents(a), readEvents(b)])
    for (const [events, servers] of [
      [eventsA, 3],
      [eventsB, 2],
    ] as const) {
      const types = events.map((item) => item.event)
      expect(types[0]).toBe('plan-start')
      expect(types.filter((type) => type === 'step-end')).toHaveLength(2 + servers)
      expect(types).toContain('apply-end')
      expect(events.at(-1)).toMatchObject({ event: 'result', data: { ok: true, outcome: 'succeeded' } })
      // Only the environment's own events reach its stream.
      const stacks = new Set(
        events.filter((item) => item.event !== 'result').map((item) => (item.data as EngineEvent).stack),
      )
      expect(stacks.size).toBe(1)
    }
    const outputs = (await (await fetch(`${base}/environments/pr-1`)).json()) as {
      outputs: Record<string, unknown>
    }
    expect(Object.keys(outputs.outputs)).toHaveLength(5)
  })

  it('answers 409 naming the holder when the same environment is already being changed', async () => {
    const first = fetch(`${base}/environments/pr-3?servers=2`, { method: 'PUT' })
    await new Promise((resolve) => setTimeout(resolve, 20))
    const second = await fetch(`${base}/environments/pr-3?servers=2`, { method: 'PUT' })
    expect(second.status).toBe(409)
    expect(((await second.json()) as { error: string }).error).toContain('is locked by')
    expect((await readEvents(await first)).at(-1)).toMatchObject({ event: 'result', data: { ok: true } })
  })

  it('destroys an environment and refuses bad input', async () => {
    const gone = await readEvents(await fetch(`${base}/environments/pr-1`, { method: 'DELETE' }))
    expect(gone.at(-1)).toMatchObject({ event: 'result', data: { ok: true } })
    expect(cloud.cloud.resources({ tags: { 'skyloom-stack': 'env-pr-1' } })).toEqual([])
    expect((await fetch(`${base}/environments/Bad_Name`, { method: 'PUT' })).status).toBe(404)
    expect((await fetch(`${base}/environments/ok?servers=99`, { method: 'PUT' })).status).toBe(400)
  })
})
