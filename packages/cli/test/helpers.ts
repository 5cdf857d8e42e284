import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { PassThrough } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { createSim } from '@skyloom/sim'
import { type CliIo, type CliOutput, runCli } from '../src/index.js'

const here = dirname(fileURLToPath(import.meta.url))

/** Absolute path of a fixture module. */
export const fixture = (name: string): string => join(here, 'fixtures', name)

/** The repository root, where the spawned CLI runs from. */
export const repoRoot = join(here, '..', '..', '..')

/** A fresh working directory: state, the sim's cloud file, plan files and reports go in it. */
export function workDir(): string {
  return mkdtempSync(join(tmpdir(), 'skyloom-cli-'))
}

/** An output stream that keeps what was written. */
export class Capture implements CliOutput {
  text = ''
  readonly isTTY: boolean
  readonly columns: number | undefined
  readonly rows: number | undefined
  #onWrite: ((text: string) => void) | undefined

  constructor(
    options: { tty?: boolean; columns?: number; rows?: number; onWrite?: (text: string) => void } = {},
  ) {
    this.isTTY = options.tty ?? false
    this.columns = options.columns
    this.rows = options.rows
    this.#onWrite = options.onWrite
  }

  write(chunk: string): boolean {
    this.text += chunk
    this.#onWrite?.(this.text)
    return true
  }

  get lines(): string[] {
    return this.text.split('\n').filter((line) => line !== '')
  }
}

export interface RunOptions {
  readonly env?: Record<string, string | undefined>
  readonly tty?: boolean
  /** Answer the confirmation prompt (stdin is then a terminal). */
  readonly answer?: string
  readonly onInterrupt?: CliIo['onInterrupt']
  readonly exit?: CliIo['exit']
}

export interface RunResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** Runs `skyloom …args` in-process in `cwd`, with NO_COLOR unless the test sets colour itself. */
export async function skyloom(
  cwd: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  const stdin = Object.assign(new PassThrough(), { isTTY: options.answer !== undefined })
  let answered = false
  const stdout = new Capture({
    tty: options.tty ?? false,
    columns: 100,
    rows: 20,
    onWrite: (text) => {
      if (options.answer !== undefined && !answered && text.includes('Only "yes" is accepted')) {
        answered = true
        setImmediate(() => stdin.write(`${options.answer}\n`))
      }
    },
  })
  const stderr = new Capture()
  const code = await runCli(args, {
    stdout,
    stderr,
    stdin,
    cwd,
    env: { NO_COLOR: '1', ...options.env },
    ...(options.onInterrupt ? { onInterrupt: options.onInterrupt } : {}),
    ...(options.exit ? { exit: options.exit } : {}),
  })
  stdin.destroy()
  return { code, stdout: stdout.text, stderr: stderr.text }
}

/** The sim cloud of a working directory, seen from outside (on a clock past its last event). */
export function cloudOf(cwd: string) {
  const stateFile = join(cwd, 'cloud.json')
  return createSim({ stateFile, virtualTime: true }).cloud
}

/** The JSON lines of an output, parsed. */
export function jsonLines(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
}

export function readText(file: string): string {
  return readFileSync(file, 'utf8')
}
