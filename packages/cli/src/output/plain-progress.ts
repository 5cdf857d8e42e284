import type { EngineEvent } from '@skyloom/core'
import type { CliOutput } from '../io.js'
import { noteText, operationLabel, stepEndDetail } from './event-text.js'
import type { EventView } from './event-view.js'
import { formatDuration, formatOffset } from './format-duration.js'
import type { Style } from './style.js'

const WORD_WIDTH = 8

/**
 * One line per event, for logs and pipes (stdout is not a terminal): nothing is redrawn, and
 * each line starts with the time since the apply began, on the engine's clock.
 */
export class PlainProgress implements EventView {
  readonly #out: CliOutput
  readonly #style: Style
  readonly #drift: boolean
  #startedAt: number | undefined
  /** Last progress message per step, so that repeated polls do not repeat lines. */
  readonly #messages = new Map<string, string>()

  constructor(out: CliOutput, style: Style, options: { drift: boolean }) {
    this.#out = out
    this.#style = style
    this.#drift = options.drift
  }

  event(event: EngineEvent): void {
    const line = this.#line(event)
    if (line !== undefined) this.#out.write(`${line}\n`)
  }

  note(text: string): void {
    this.#out.write(`${text}\n`)
  }

  close(): void {}

  #line(event: EngineEvent): string | undefined {
    const s = this.#style
    const at = (word: string, text: string) =>
      `${s.dim(`[${formatOffset(event.time - (this.#startedAt ?? event.time))}]`)} ${word.padEnd(WORD_WIDTH)} ${text}`
    switch (event.type) {
      case 'apply-start':
        this.#startedAt = event.time
        this.#messages.clear()
        return `Applying ${event.steps} step${event.steps === 1 ? '' : 's'} to stack "${event.stack}" (state version ${event.stateVersion}).`
      case 'step-start':
        return at('start', `${operationLabel(event.operation, event.replacement)} ${event.urn}`)
      case 'step-progress': {
        if (this.#messages.get(event.stepId) === event.message) return undefined
        this.#messages.set(event.stepId, event.message)
        return at('progress', `${event.urn}: ${event.message}`)
      }
      case 'step-retry':
        return at(
          'retry',
          s.yellow(
            `${event.urn}: ${event.errorClass}, attempt ${event.attempt + 1} in ${formatDuration(event.delayMs)} (${event.scope}): ${event.message}`,
          ),
        )
      case 'step-end': {
        this.#messages.delete(event.stepId)
        const text = `${operationLabel(event.operation)} ${event.urn}: ${stepEndDetail(event)}`
        if (event.outcome === 'failed') return at('failed', s.red(text))
        if (event.outcome === 'skipped' || event.outcome === 'cancelled')
          return at(event.outcome, s.dim(text))
        return at(event.outcome, text)
      }
      default:
        return noteText(event, s, { drift: this.#drift })
    }
  }
}
