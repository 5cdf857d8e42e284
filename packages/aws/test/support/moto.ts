import { type ChildProcess, spawn } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { createServer } from 'node:net'
import { delimiter, join } from 'node:path'

/** A running moto_server child process on a loopback port. */
export interface MotoServer {
  /** `http://127.0.0.1:PORT`: the endpoint for every AWS client in the test. */
  readonly endpoint: string
  readonly port: number
  /** Clears every resource (`POST /moto-api/reset`). */
  reset(): Promise<void>
  /** Stops the process and waits until it has exited. */
  stop(): Promise<void>
}

export interface StartMotoOptions {
  /** Extra environment for the server, e.g. `MOTO_AMIS_PATH` or validation switches. */
  readonly env?: Readonly<Record<string, string>>
  /** How long to wait for the server to answer; default 30 s. */
  readonly startTimeoutMs?: number
}

/** Absolute path of `moto_server` on PATH, or undefined when it is not installed. */
export function findMotoServer(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue
    const candidate = join(dir, 'moto_server')
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // not in this directory
    }
  }
  return undefined
}

/**
 * Whether moto-backed suites should run. Without moto_server they are skipped with a loud
 * message, except in CI (`CI=true`), where a missing emulator must fail the run instead of
 * silently skipping the provider's whole integration coverage.
 */
export function motoAvailability(): { run: boolean; binary?: string; reason?: string } {
  const binary = findMotoServer()
  if (binary) return { run: true, binary }
  const message =
    '\n' +
    '!!! moto_server is not on PATH: the @skyloom/aws integration tests are SKIPPED.\n' +
    '!!! They drive the real AWS SDK against moto_server (pip install "moto[server]").\n' +
    '!!! In CI (CI=true) this is a failure, not a skip.\n'
  if (process.env.CI === 'true') throw new Error(message)
  console.warn(message)
  return {
    run: false,
    reason:
      'moto_server is not on PATH (pip install "moto[server]"); the suite drives the real AWS SDK against it',
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

async function waitForAnswer(endpoint: string, child: ChildProcess, timeoutMs: number, log: () => string) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`moto_server exited with code ${child.exitCode} before answering:\n${log()}`)
    }
    try {
      const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1_000) })
      await response.arrayBuffer()
      if (response.status < 500) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms:\n${log()}`)
}

/** Starts `moto_server -H 127.0.0.1 -p <free port>` and waits until it answers. */
export async function startMoto(options: StartMotoOptions = {}): Promise<MotoServer> {
  const binary = findMotoServer()
  if (!binary) throw new Error('moto_server is not on PATH (pip install "moto[server]")')
  const port = await freePort()
  const endpoint = `http://127.0.0.1:${port}`
  const child = spawn(binary, ['-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  // Keep the tail of its output for error messages; moto logs every request otherwise.
  let output = ''
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4_000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  try {
    await waitForAnswer(endpoint, child, options.startTimeoutMs ?? 30_000, () => output)
  } catch (error) {
    child.kill('SIGKILL')
    throw error
  }
  return {
    endpoint,
    port,
    async reset() {
      const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' })
      await response.arrayBuffer()
      if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`)
    },
    async stop() {
      if (child.exitCode !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
      await exited
      clearTimeout(timer)
    },
  }
}
