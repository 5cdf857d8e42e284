import { type ChildProcess, spawn } from 'node:child_process'
import { accessSync, constants, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { MOTO_IMAGES } from './images.js'

/** A moto_server this process started on a loopback port. */
export interface LocalMoto {
  /** `http://127.0.0.1:PORT`. */
  readonly endpoint: string
  /** Stops the server and waits for it to exit. */
  stop(): Promise<void>
}

/** The absolute path of `moto_server` on PATH, or undefined when it is not installed. */
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

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

async function waitUntilAnswering(endpoint: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with code ${child.exitCode}:\n${log()}`)
    try {
      const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1_000) })
      await response.arrayBuffer()
      if (response.status < 500) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`moto_server did not answer on ${endpoint} within 30 s:\n${log()}`)
}

/**
 * Starts `moto_server` on a free loopback port with the example's image list, and waits until
 * it answers. The server is killed if this process exits without stopping it.
 */
export async function startMoto(): Promise<LocalMoto> {
  const binary = findMotoServer()
  if (!binary) {
    throw new Error(
      'moto_server is not on PATH. Install it (pip install "moto[server]"), point AWS_ENDPOINT_URL_EC2 at a running emulator, or pass --real to use your AWS account.',
    )
  }
  // moto's bundled images have no Ubuntu 24.04: give it one, named as Canonical names theirs, so
  // the `ubuntu-24.04` alias resolves through DescribeImages exactly as it does on AWS.
  const images = join(tmpdir(), `skyloom-aws-web-tier-amis-${process.pid}.json`)
  writeFileSync(images, JSON.stringify(MOTO_IMAGES))
  const port = await freePort()
  const endpoint = `http://127.0.0.1:${port}`
  const child = spawn(binary, ['-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, MOTO_AMIS_PATH: images },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  // moto logs every request; keep only the tail, for an error message.
  let output = ''
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4_000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const killOnExit = () => child.kill('SIGKILL')
  process.once('exit', killOnExit)
  try {
    await waitUntilAnswering(endpoint, child, () => output)
  } catch (error) {
    child.kill('SIGKILL')
    throw error
  }
  return {
    endpoint,
    async stop() {
      process.off('exit', killOnExit)
      if (child.exitCode !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
      await exited
      clearTimeout(timer)
    },
  }
}
