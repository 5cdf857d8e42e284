import { describe, expect, it } from 'vitest'
import {
  type ApplyResult,
  createEngine,
  createStack,
  type EngineEvent,
  instance,
  memoryState,
  network,
  ProviderError,
  renderApplyReport,
  secret,
  seededRandom,
  subnet,
  VirtualClock,
  volume,
} from '../src/index.js'
import { createMockProvider } from '../src/testing.js'

const HOSTILE = 'image <img src=x onerror=alert(1)> & "quoted" is not allowed'

/** A small apply on the mock provider: one throttled retry, one failure, one skip, one secret. */
async function smallApply(): Promise<{ result: ApplyResult; events: EngineEvent[] }> {
  const clock = new VirtualClock(0)
  let throttled = false
  const provider = createMockProvider({
    latencyMs: 1_000,
    readyAfterMs: 8_000,
    fail: (operation, target) => {
      if (operation !== 'create') return undefined
      if (target.urn === 'rep/instance/web-1' && !throttled) {
        throttled = true
        return new ProviderError({
          provider: 'mock',
          operation: 'create',
          class: 'throttled',
          retryAfterMs: 2_000,
          message: 'Request limit exceeded',
        })
      }
      if (target.urn === 'rep/instance/db')
        return new ProviderError({
          provider: 'mock',
          operation: 'create',
          class: 'invalid',
          message: HOSTILE,
        })
      return undefined
    },
  })
  const stack = createStack('rep', { provider })
  const net = stack.add(network('net', { cidr: '10.0.0.0/16' }))
  const sub = stack.add(subnet('sub', { network: net.out.id, cidr: '10.0.1.0/24' }))
  for (const name of ['web-1', 'web-2'])
    stack.add(
      instance(name, {
        size: 'small',
        image: 'debian-12',
        subnet: sub.out.id,
        userData: secret('s3cr3t-bootstrap-token'),
      }),
    )
  const db = stack.add(instance('db', { size: 'medium', image: 'debian-12', subnet: sub.out.id }))
  stack.add(volume('db-data', { sizeGiB: 20, attachTo: db.out.id }))
  const engine = createEngine({ state: memoryState(), clock, random: seededRandom(1) })
  const events: EngineEvent[] = []
  engine.events.on('event', (event) => events.push(event))
  const result = await engine.up(stack)
  return { result, events }
}

/** Attributes of every element whose tag is `tag`, keyed by one attribute's value. */
function elementsBy(html: string, tag: string, key: string): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>()
  for (const match of html.matchAll(new RegExp(`<${tag}\\s([^>]*)>`, 'g'))) {
    const attributes: Record<string, string> = {}
    for (const attribute of match[1]!.matchAll(/([\w-]+)="([^"]*)"/g))
      attributes[attribute[1]!] = attribute[2]!
    const value = attributes[key]
    if (value !== undefined) out.set(value, attributes)
  }
  return out
}

/** Checks that non-void elements open and close in order; returns the first problem, if any. */
function tagProblem(html: string): string | undefined {
  const voids = new Set(['meta', 'br', 'hr', 'img', 'input', 'link'])
  const stack: string[] = []
  for (const match of html.matchAll(/<(\/?)([a-zA-Z][\w-]*)[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = match
    const tag = name!.toLowerCase()
    if (voids.has(tag) || selfClosing === '/') continue
    if (closing === '') stack.push(tag)
    else if (stack.pop() !== tag) return `unexpected </${tag}> at ${match.index}`
  }
  return stack.length > 0 ? `unclosed <${stack.join('>, <')}>` : undefined
}

const escapeAttr = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;')

describe('apply report', () => {
  it('draws a real apply as one self-contained HTML document', async () => {
    const { result, events } = await smallApply()
    expect(result.counts).toMatchObject({ done: 4, failed: 1, skipped: 1 })
    const html = renderApplyReport({ plan: result.plan, result, events })

    expect(html.startsWith('<!DOCTYPE html>')).toBe(true)
    expect(html.match(/<html[\s>]/g)).toHaveLength(1)
    expect(html.match(/<\/html>/g)).toHaveLength(1)
    expect(tagProblem(html)).toBeUndefined()
    // Nothing to fetch: no URLs, no external scripts, images or stylesheets.
    expect(html).not.toMatch(/https?:\/\//)
    expect(html).not.toMatch(/<[a-z][^>]*\s(src|href)=/i)
    expect(html).not.toMatch(/<(script|link|iframe|img)[\s>]/i)

    const bars = elementsBy(html, 'rect', 'data-step')
    for (const step of result.steps) {
      expect(bars.get(escapeAttr(step.stepId))?.['data-outcome']).toBe(step.outcome)
      expect(html.split(`data-step="${escapeAttr(step.stepId)}"`)).toHaveLength(2)
    }
  })

  it('marks failures, skips, retries and the critical path, and escapes what it prints', async () => {
    const { result, events } = await smallApply()
    const html = renderApplyReport({ plan: result.plan, result, events })
    const bars = elementsBy(html, 'rect', 'data-step')

    expect(bars.get('create:rep/instance/db')?.class).toContain('outcome-failed')
    expect(bars.get('create:rep/volume/db-data')?.class).toContain('outcome-skipped')
    expect(html).toContain('data-failed-step="create:rep/instance/db"')
    expect(html).toMatch(/<rect class="throttled"/)
    expect(html).toContain('retry: throttled ×1')

    // The error travels escaped, never as markup; the secret never appears at all.
    expect(html).toContain('image &lt;img src=x onerror=alert(1)&gt; &amp; &quot;quoted&quot; is not allowed')
    expect(html).not.toContain('<img')
    expect(html).not.toContain('s3cr3t-bootstrap-token')

    // net -> sub -> the instance that ended last (web-1, held back by its throttled call).
    const critical = [...bars.values()].filter((bar) => bar['data-critical'] !== undefined)
    const ids = critical.map((bar) => bar['data-step'])
    expect(ids).toEqual(['create:rep/network/net', 'create:rep/subnet/sub', 'create:rep/instance/web-1'])
    expect(bars.get('create:rep/network/net')?.['data-critical']).toBe('apply-start')
    expect(bars.get('create:rep/instance/web-1')?.['data-critical']).toBe('dependency')
    expect(html.match(/data-critical-step=/g)).toHaveLength(3)

    // A small plan is drawn node by node.
    const nodes = elementsBy(html, 'g', 'data-node')
    expect([...nodes.keys()].sort()).toEqual(result.plan.steps.map((step) => step.id).sort())
    expect(nodes.get('create:rep/instance/db')?.class).toContain('outcome-failed')
  })

  it('summarizes API calls, outcomes and cost', async () => {
    const { result, events } = await smallApply()
    const html = renderApplyReport({ plan: result.plan, result, events })
    for (const [scope, stats] of Object.entries(result.apiCalls)) {
      expect(html).toContain(`<code>${scope}</code></td><td class="num">${stats.calls}</td>`)
    }
    expect(html).toContain(`<code>${result.operationId}</code>`)
    expect(html).toContain('<b>1</b><span>failed</span>')
    expect(html).toContain('per month')
  })

  it('renders a 2,000-step apply in reasonable size and time', async () => {
    const clock = new VirtualClock(0)
    const provider = createMockProvider({
      latencyMs: 200,
      readyAfterMs: 5_000,
      limits: { scopes: { api: { capacity: 50, refillPerSecond: 40 } } },
    })
    const stack = createStack('big', { provider })
    let count = 0
    for (let n = 0; count < 2_000; n++) {
      const net = stack.add(network(`net-${n}`, { cidr: `10.${n}.0.0/16` }))
      count++
      for (let s = 0; s < 4 && count < 2_000; s++) {
        const sub = stack.add(subnet(`sub-${n}-${s}`, { network: net.out.id, cidr: `10.${n}.${s}.0/24` }))
        count++
        for (let i = 0; i < 48 && count < 2_000; i++, count++)
          stack.add(instance(`vm-${n}-${s}-${i}`, { size: 'small', image: 'debian-12', subnet: sub.out.id }))
      }
    }
    const engine = createEngine({ state: memoryState(), clock, random: seededRandom(3) })
    const events: EngineEvent[] = []
    engine.events.on('event', (event) => events.push(event))
    const result = await engine.up(stack)
    expect(result.steps).toHaveLength(2_000)

    const started = performance.now()
    const html = renderApplyReport({ plan: result.plan, result, events })
    const elapsed = performance.now() - started
    expect(elapsed).toBeLessThan(5_000)
    expect(html.length).toBeLessThan(3_000_000)
    expect(elementsBy(html, 'rect', 'data-step').size).toBe(2_000)
    expect(html).toContain('too many to draw one by one')
    expect(html).not.toContain('data-node=')
    expect(tagProblem(html)).toBeUndefined()
  }, 60_000)
})
