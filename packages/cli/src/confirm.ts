import { createInterface } from 'node:readline/promises'
import { Writable } from 'node:stream'
import { InputError } from './input-error.js'
import type { CliOutput, ResolvedIo } from './io.js'

/**
 * Asks a yes/no question on the terminal; only `yes` (or `y`) counts as yes, Ctrl-C and end
 * of input as no. Refuses (exit 2) when there is no terminal to ask on: a script must say
 * `--yes` explicitly rather than have a change applied because nobody was there to answer.
 */
export async function confirm(
  io: ResolvedIo,
  out: CliOutput,
  question: string,
  flag = '--yes',
): Promise<boolean> {
  const stdin = io.stdin
  if (stdin?.isTTY !== true) {
    throw new InputError(
      `Not asking for confirmation: stdin is not a terminal. Pass ${flag} to go ahead without being asked.`,
    )
  }
  // readline wants a full stream (it listens for 'resize'); CliOutput only promises write().
  const echo = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      out.write(chunk.toString())
      done()
    },
  })
  const readline = createInterface({ input: stdin, output: echo, terminal: true })
  const controller = new AbortController()
  readline.on('SIGINT', () => controller.abort())
  readline.on('close', () => controller.abort())
  try {
    const answer = await readline.question(`${question} Only "yes" is accepted: `, {
      signal: controller.signal,
    })
    return /^\s*y(es)?\s*$/i.test(answer)
  } catch {
    out.write('\n')
    return false
  } finally {
    readline.close()
  }
}
