import type { EngineEvent } from '@skyloom/core'
import type { CliOutput } from '../io.js'
import type { EventView } from './event-view.js'

/**
 * `--json`: every engine event as one JSON line on stdout, exactly as the engine emitted it
 * (secrets are redacted in events already). Notes go to stderr so stdout stays parseable.
 */
export class JsonEvents implements EventView {
  readonly #out: CliOutput
  readonly #err: CliOutput

  constructor(out: CliOutput, err: CliOutput) {
    this.#out = out
    this.#err = err
  }

  event(event: EngineEvent): void {
    this.#out.write(`${JSON.stringify(event)}\n`)
  }

  note(text: string): void {
    this.#err.write(`${text}\n`)
  }

  close(): void {}
}
