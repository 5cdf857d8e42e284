import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import {
  type Engine,
  type EngineEvent,
  LockError,
  type ProviderV1,
  SkyloomError,
  ValidationError,
} from '@skyloom/core'
import { environmentStack } from './environment.js'

const NAME = /^[a-z][a-z0-9-]{0,30}$/

/**
 * A platform API over one shared engine:
 *
 * - `PUT /environments/:name?servers=N` provisions (or changes) an environment and streams the
 *   engine's events as server-sent events until the apply ends;
 * - `DELETE /environments/:name` destroys it, streaming the same way;
 * - `GET /environments/:name` returns its outputs.
 *
 * Many environments apply at once; two requests for the same one meet the stack's lock and
 * the second gets 409 naming the holder.
 */
export function createPlatformServer(engine: Engine, provider: ProviderV1): Server {
  return createServer((request, response) => {
    handle(engine, provider, request, response).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { error: (error as Error).message })
      else response.end()
    })
  })
}

async function handle(
  engine: Engine,
  provider: ProviderV1,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://localhost')
  const match = /^\/environments\/([^/]+)$/.exec(url.pathname)
  const name = match?.[1]
  if (!name || !NAME.test(name)) {
    sendJson(response, 404, {
      error: 'use /environments/<name>, where name is lowercase letters, digits and dashes',
    })
    return
  }
  const servers = Number(url.searchParams.get('servers') ?? '2')
  if (!Number.isInteger(servers) || servers < 0 || servers > 20) {
    sendJson(response, 400, { error: 'servers must be a whole number from 0 to 20' })
    return
  }
  const stack = environmentStack(provider, { name, servers })

  if (request.method === 'GET') {
    const state = await engine.readState(stack.name)
    if (!state) sendJson(response, 404, { error: `environment ${name} does not exist` })
    else
      sendJson(response, 200, {
        environment: name,
        version: state.version,
        outputs: await engine.outputs(stack.name),
      })
    return
  }
  if (request.method !== 'PUT' && request.method !== 'DELETE') {
    sendJson(response, 405, { error: 'use GET, PUT or DELETE' })
    return
  }

  // Stream this stack's events; a client that goes away cancels the apply.
  const cancel = new AbortController()
  request.on('close', () => {
    if (!response.writableEnded) cancel.abort()
  })
  const stream = engine.events.stream({
    signal: cancel.signal,
    filter: (event) => event.stack === stack.name,
  })
  let started = false
  const forward = (async () => {
    for await (const event of stream) {
      if (!started) {
        started = true
        response.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-cache',
          connection: 'keep-alive',
        })
      }
      response.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`)
      if (event.type === 'apply-end') break
    }
  })()
  try {
    const result =
      request.method === 'PUT'
        ? await engine.up(stack, { signal: cancel.signal })
        : await engine.destroy(stack, { signal: cancel.signal })
    await forward
    response.end(
      `event: result\ndata: ${JSON.stringify({ ok: result.ok, outcome: result.outcome, counts: result.counts })}\n\n`,
    )
  } catch (error) {
    cancel.abort()
    await forward.catch(() => {})
    const status = LockError.isInstance(error) ? 409 : ValidationError.isInstance(error) ? 400 : 500
    const body = {
      error: (error as Error).message,
      code: SkyloomError.isInstance(error) ? error.code : undefined,
    }
    if (!started) sendJson(response, status, body)
    else response.end(`event: error\ndata: ${JSON.stringify(body)}\n\n`)
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' })
  response.end(JSON.stringify(body))
}

export type { EngineEvent }
