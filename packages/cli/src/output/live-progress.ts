import {
  type Clock,
  type EngineEvent,
  type ProgressSnapshot,
  ProgressTracker,
  type StepOperation,
} from '@skyloom/core'
import type { CliOutput } from '../io.js'
import { noteText, operationLabel, paintOperation, stepEndDetail } from './event-text.js'
import type { EventView } from './event-view.js'
import { formatDuration } from './format-duration.js'
import type { Style } from './style.js'
import { padEnd, truncate } from './text-width.js'

/** About ten frames a second: smooth enough to read, cheap enough for a thousand steps. */
const FRAME_MS = 100

/**
 * Live progress on a terminal: a header (done/total, failed, retries, elapsed, time left) and
 * one line per running step (URN, operation, elapsed, retries, latest progress message),
 * redrawn in place from ProgressTracker snapshots. Failures and notes are printed above it and
 * stay; the live part is erased when the apply ends, leaving room for the summary.
 */
export class LiveProgress implements EventView {
  readonly #out: CliOutput
  readonly #style: Style
  readonly #clock: Clock
  readonly #drift: boolean
  readonly #tracker = new ProgressTracker()
  #active = false
  /** Lines of the live display now on screen, to move the cursor back over. */
  #drawn = 0
  #lastFrame = ''
  #timer: ReturnType<typeof setInterval> | undefined
  #timeLabel: string
  #startedAt = 0

  constructor(out: CliOutput, style: Style, clock: Clock, options: { drift: boolean; simulated: boolean }) {
    this.#out = out
    this.#style = style
    this.#clock = clock
    this.#drift = options.drift
    this.#timeLabel = options.simulated ? ' (simulated time)' : ''
  }

  event(event: EngineEvent): void {
    this.#tracker.update(event)
    switch (event.type) {
      case 'apply-start':
        this.#startedAt = event.time
        this.#active = true
        this.#timer = setInterval(() => this.#draw(), FRAME_MS)
        this.#timer.unref?.()
        this.#draw()
        return
      case 'apply-end':
        this.close()
        return
      case 'step-end':
        if (event.outcome === 'failed') {
          const label = operationLabel(event.operation)
          this.note(this.#style.red(`✗ ${label} ${event.urn}: ${stepEndDetail(event)}`))
        }
        return
      default: {
        const text = noteText(event, this.#style, { drift: this.#drift })
        if (text !== undefined) this.note(text)
      }
    }
  }

  note(text: string): void {
    this.#erase()
    this.#out.write(`${text}\n`)
    if (this.#active) this.#draw()
  }

  close(): void {
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = undefined
    this.#erase()
    this.#active = false
  }

  #draw(): void {
    if (!this.#active) return
    const frame = this.#frame(this.#tracker.snapshot)
      .map((line) => truncate(line, Math.max(20, (this.#out.columns || 80) - 1)))
      .join('\n')
    if (frame === this.#lastFrame && this.#drawn > 0) return
    this.#erase()
    this.#out.write(`${frame}\n`)
    this.#drawn = frame.split('\n').length
    this.#lastFrame = frame
  }

  #erase(): void {
    if (this.#drawn === 0) return
    // Up to the first line of the display, then clear to the end of the screen.
    this.#out.write(`\r\u001b[${this.#drawn}A\u001b[0J`)
    this.#drawn = 0
    this.#lastFrame = ''
  }

  #frame(snapshot: ProgressSnapshot): string[] {
    const s = this.#style
    // The clock, not the last event, so that elapsed time moves between events.
    const now = Math.max(this.#clock.now(), this.#startedAt + snapshot.elapsedMs)
    const elapsed = now - this.#startedAt
    const parts = [
      `${snapshot.finished}/${snapshot.total} done`,
      snapshot.counts.failed > 0 ? s.red(`${snapshot.counts.failed} failed`) : '0 failed',
      `${snapshot.retries} ${snapshot.retries === 1 ? 'retry' : 'retries'}`,
      `${formatDuration(elapsed)}${this.#timeLabel}`,
    ]
    if (snapshot.remainingMs !== undefined && snapshot.finished < snapshot.total) {
      parts.push(`about ${formatDuration(snapshot.remainingMs)} left`)
    }
    const lines = [`${s.bold(`Applying "${snapshot.stack}"`)}  ${parts.join(' · ')}`]
    const room = Math.max(3, (this.#out.rows || 24) - 3)
    const running = [...snapshot.running].sort((a, b) => a.startedAt - b.startedAt)
    const shown = running.length > room ? running.slice(0, room - 1) : running
    const urnWidth = Math.min(60, Math.max(0, ...shown.map((step) => step.urn.length)))
    for (const step of shown) {
      const operation = step.operation as StepOperation
      const label = paintOperation(s, operation, padEnd(operationLabel(operation), 9))
      const retries = step.retries > 0 ? s.yellow(` retry ${step.retries}`) : ''
      const message = step.message ? `  ${s.dim(step.message)}` : ''
      lines.push(
        `  ${label} ${padEnd(step.urn, urnWidth)}  ${formatDuration(now - step.startedAt).padStart(6)}${retries}${message}`,
      )
    }
    if (shown.length < running.length)
      lines.push(s.dim(`  … and ${running.length - shown.length} more running`))
    return lines
  }
}
