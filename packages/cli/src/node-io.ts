import type { CliIo, CliOutput } from './io.js'

/**
 * The real process's streams, environment and signals, for the `skyloom` binary. While a
 * command listens for interrupts, SIGINT goes to it; otherwise Node's default applies (exit).
 */
export function nodeIo(): CliIo {
  return {
    stdout: pipeSafe(process.stdout),
    stderr: pipeSafe(process.stderr),
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    onInterrupt(listener) {
      process.on('SIGINT', listener)
      return () => {
        process.off('SIGINT', listener)
      }
    },
    exit(code) {
      process.exit(code)
    },
  }
}

/**
 * A stream that stops writing once its reader has gone (`skyloom apply --json | head`),
 * instead of crashing with EPIPE in the middle of an apply: the apply goes on and is recorded.
 */
function pipeSafe(stream: NodeJS.WriteStream): CliOutput {
  let closed = false
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error
    closed = true
  })
  return {
    write: (chunk) => closed || stream.write(chunk),
    get isTTY() {
      return stream.isTTY === true
    },
    get columns() {
      return stream.columns
    },
    get rows() {
      return stream.rows
    },
  }
}
