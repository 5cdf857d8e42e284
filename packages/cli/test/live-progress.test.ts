import { type EngineEvent, ManualClock } from '@skyloom/core'
import { describe, expect, it } from 'vitest'
import { LiveProgress } from '../src/output/live-progress.js'
import { PlainProgress } from '../src/output/plain-progress.js'
import { createStyle } from '../src/output/style.js'
import { truncate, visibleWidth } from '../src/output/text-width.js'
import { Capture } from './helpers.js'

type Draft = EngineEvent extends infer E
  ? E extends EngineEvent
    ? Omit<E, 'seq' | 'stack' | 'operationId'>
    : never
  : never

let seq = 0
const event = (draft: Draft): EngineEvent =>
  ({ seq: ++seq, stack: 'web', operationId: 'op', ...draft }) as EngineEvent
const step = (type: 'step-start', urn: string, time: number): EngineEvent =>
  event({ type, time, stepId: `create:${urn}`, urn, operation: 'create', correlationId: urn })

describe('LiveProgress', () => {
  it('draws a header and a line per running step, and redraws in place', () => {
    const out = new Capture({ tty: true, columns: 80, rows: 20 })
    const clock = new ManualClock(1_000)
    const live = new LiveProgress(out, createStyle(false), clock, { drift: true, simulated: false })
    live.event(event({ type: 'apply-start', time: 1_000, steps: 3, stateVersion: 0 }))
    expect(out.text).toBe('Applying "web"  0/3 done · 0 failed · 0 retries · 0ms\n')
    live.event(step('step-start', 'web/network/net', 1_000))
    live.event(
      event({
        type: 'step-retry',
        time: 3_000,
        stepId: 'create:web/network/net',
        urn: 'web/network/net',
        operation: 'create',
        correlationId: 'x',
        attempt: 1,
        delayMs: 500,
        errorClass: 'throttled',
        message: 'RequestLimitExceeded',
        scope: 'sim/mutate',
      }),
    )
    out.text = ''
    live.note('a note')
    // The note erases the one-line frame first, then the frame is drawn again below the note.
    expect(out.text.startsWith('\r\u001b[1A\u001b[0Ja note\n')).toBe(true)
    expect(out.text).toContain('Applying "web"  0/3 done · 0 failed · 1 retry · 2.0s')
    expect(out.text).toMatch(
      /\+ create {2}web\/network\/net {2}\s*2\.0s retry 1 {2}retrying: RequestLimitExceeded/,
    )
    out.text = ''
    live.event(
      event({
        type: 'apply-end',
        time: 4_000,
        outcome: 'succeeded',
        counts: { done: 3, noop: 0, failed: 0, skipped: 0, cancelled: 0 },
        durationMs: 3_000,
        stateVersion: 3,
      }),
    )
    // Closing erases the two-line display and leaves nothing behind.
    expect(out.text).toBe('\r\u001b[2A\u001b[0J')
  })

  it('cuts lines to the terminal width so that redrawing stays exact', () => {
    const out = new Capture({ tty: true, columns: 30, rows: 20 })
    const live = new LiveProgress(out, createStyle(true), new ManualClock(0), {
      drift: true,
      simulated: true,
    })
    live.event(event({ type: 'apply-start', time: 0, steps: 1000, stateVersion: 0 }))
    for (const line of out.text.split('\n').filter(Boolean))
      expect(visibleWidth(line)).toBeLessThanOrEqual(29)
    live.close()
  })

  it('lists at most what fits on the screen, then a count of the rest', () => {
    const out = new Capture({ tty: true, columns: 100, rows: 8 })
    const live = new LiveProgress(out, createStyle(false), new ManualClock(0), {
      drift: true,
      simulated: false,
    })
    live.event(event({ type: 'apply-start', time: 0, steps: 20, stateVersion: 0 }))
    for (let index = 0; index < 20; index++) live.event(step('step-start', `web/instance/vm-${index}`, 0))
    out.text = ''
    live.note('redraw')
    const lines = out.text.split('\n').filter(Boolean)
    expect(lines.filter((line) => line.includes('+ create'))).toHaveLength(4)
    expect(lines.at(-1)).toBe('  … and 16 more running')
    live.close()
  })
})

describe('PlainProgress', () => {
  it('writes one line per event with the time since the apply started, progress only when it changes', () => {
    const out = new Capture()
    const plain = new PlainProgress(out, createStyle(false), { drift: true })
    plain.event(event({ type: 'apply-start', time: 10_000, steps: 1, stateVersion: 4 }))
    plain.event(step('step-start', 'web/network/net', 10_000))
    const progress = event({
      type: 'step-progress',
      time: 11_000,
      stepId: 'create:web/network/net',
      urn: 'web/network/net',
      operation: 'create',
      correlationId: 'x',
      message: 'waiting for net-1 to be ready',
    })
    plain.event(progress)
    plain.event({ ...progress, seq: 99 })
    plain.event(
      event({
        type: 'step-end',
        time: 12_500,
        stepId: 'create:web/network/net',
        urn: 'web/network/net',
        operation: 'create',
        correlationId: 'x',
        outcome: 'done',
        durationMs: 2_500,
      }),
    )
    plain.event(
      event({ type: 'drift-detected', time: 13_000, urn: 'web/subnet/a', kind: 'subnet', drift: 'deleted' }),
    )
    expect(out.lines).toEqual([
      'Applying 1 step to stack "web" (state version 4).',
      '[0:00.0] start    + create web/network/net',
      '[0:01.0] progress web/network/net: waiting for net-1 to be ready',
      '[0:02.5] done     + create web/network/net: 2.5s',
      'Drift: web/subnet/a was deleted outside Skyloom.',
    ])
  })
})

describe('truncate', () => {
  it('keeps escape sequences, cuts visible characters and resets the style', () => {
    const text = '\u001b[32m+ create web/instance/a-very-long-name\u001b[39m'
    const cut = truncate(text, 12)
    expect(visibleWidth(cut)).toBe(12)
    expect(cut).toBe('\u001b[32m+ create we…\u001b[0m')
    expect(truncate('short', 12)).toBe('short')
  })
})
