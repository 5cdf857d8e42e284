import type { CliOutput, ResolvedIo } from '../io.js'
import { colorEnabled, createStyle, type Style } from './style.js'

/**
 * Where a command's words go. Human mode: text on stdout, problems on stderr. JSON mode
 * (`--json`): stdout carries only JSON lines (events, then one result), so human text is
 * dropped and problems still go to stderr.
 */
export class Output {
  readonly json: boolean
  readonly stdout: CliOutput
  readonly stderr: CliOutput
  /** Styles for stdout and stderr; each is coloured only if that stream is a terminal. */
  readonly style: Style
  readonly errStyle: Style

  constructor(io: ResolvedIo, options: { json: boolean; noColor: boolean }) {
    this.json = options.json
    this.stdout = io.stdout
    this.stderr = io.stderr
    this.style = createStyle(!options.json && colorEnabled(io.stdout, io.env, options.noColor))
    this.errStyle = createStyle(colorEnabled(io.stderr, io.env, options.noColor))
  }

  /** Human text on stdout (dropped in JSON mode). */
  say(text = ''): void {
    if (!this.json) this.stdout.write(`${text}\n`)
  }

  /** A message about the run on stderr, in both modes. */
  warn(text: string): void {
    this.stderr.write(`${text}\n`)
  }

  /** One JSON line on stdout (JSON mode only). */
  jsonLine(value: unknown): void {
    if (this.json) this.stdout.write(`${JSON.stringify(value)}\n`)
  }
}
