import { describe, expect, it } from 'vitest'
import {
  instance,
  isOutputRef,
  network,
  parsePlanJson,
  plan,
  renderPlanDot,
  renderPlanJson,
  renderPlanMermaid,
  renderPlanText,
  secret,
  subnet,
} from '../src/index.js'
import { mockStack, stateFromPlan } from './helpers.js'

function stack(image = 'ubuntu-24.04', count = 2) {
  const s = mockStack()
  const net = s.add(network('net', { cidr: '10.0.0.0/16' }))
  const sub = s.add(subnet('a', { network: net.out.id, cidr: '10.0.1.0/24' }))
  for (let index = 0; index < count; index++) {
    s.add(
      instance(`vm-${index}`, { size: 'small', image, subnet: sub.out.id, userData: secret('TOKEN=abc123') }),
    )
  }
  return s
}

describe('renderers', () => {
  it('renders the human diff with symbols, costs, unknowns and redacted secrets', async () => {
    const first = await plan(stack(), undefined)
    const text = renderPlanText(first, { detail: true })
    expect(text).toContain('Plan for stack "web" (state version 0)')
    expect(text).toMatch(/\+ network\s+net/)
    expect(text).toContain('network = (known after apply)')
    expect(text).toContain('userData = (secret)')
    expect(text).not.toContain('abc123')
    expect(text).toContain('4 to create, 0 to update, 0 to replace, 0 to delete.')
    expect(text).toContain('Monthly cost: $0.00 -> $14.60 (+$14.60)')

    const state = stateFromPlan(first)
    const next = await plan(stack('debian-12', 1), state)
    const diff = renderPlanText(next)
    expect(diff).toMatch(/-\/\+ instance\s+vm-0/)
    expect(diff).toContain('image: "ubuntu-24.04" -> "debian-12" (forces replacement)')
    expect(diff).toMatch(/ - instance\s+vm-1\s+-\$7.30\/mo/)
    expect(diff).toContain('0 to create, 0 to update, 1 to replace, 1 to delete.')

    expect(renderPlanText(await plan(stack(), state))).toContain('No changes.')
  })

  it('renders Mermaid and DOT graphs of the steps', async () => {
    const result = await plan(stack(), undefined)
    const mermaid = renderPlanMermaid(result)
    expect(mermaid.split('\n')[0]).toBe('flowchart LR')
    expect(mermaid).toContain('s0["create network/net"]:::create')
    expect(mermaid).toContain('s0 --> s1')
    const dot = renderPlanDot(result)
    expect(dot).toContain('"create:web/network/net" -> "create:web/subnet/a";')
  })

  it('round-trips through JSON without secrets', async () => {
    const result = await plan(stack(), undefined)
    const json = renderPlanJson(result)
    expect(json).not.toContain('abc123')
    const parsed = parsePlanJson(json)
    expect(parsed.steps).toEqual(result.steps)
    const sub = parsed.changes.find((change) => change.name === 'a')!
    expect(isOutputRef(sub.props!.network)).toBe(true)
    expect(() => parsePlanJson('{"formatVersion":2}')).toThrow('not a Skyloom plan')
    expect(() => parsePlanJson('{')).toThrow('not valid JSON')
  })
})
