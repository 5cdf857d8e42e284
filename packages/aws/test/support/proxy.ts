import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http'

/**
 * A small HTTP proxy in front of moto_server that adds the behaviour moto lacks or that only a
 * real network shows:
 *
 * - `dropResponse(action)`: forward the request (moto performs it), then cut the connection
 *   instead of answering: the client sees a lost reply for a call that happened.
 * - `fail(action, code)`: answer with an AWS error without forwarding (throttling, 5xx).
 * - `pendingFor(ms)`: report instances as `pending` for that long after RunInstances returned
 *   them (moto starts them `running` at once), so waits take several poll rounds.
 * - `respond(action, xml)`: answer an action moto does not implement (StartInstanceRefresh).
 *
 * Every request's action and parameters are recorded in `requests`.
 */
export interface MotoProxy {
  readonly endpoint: string
  /** Actions and form parameters of every request, in order. */
  readonly requests: { action: string; params: URLSearchParams }[]
  dropResponse(action: string, times?: number): void
  fail(action: string, code: string, options?: { status?: number; times?: number; message?: string }): void
  respond(action: string, body: string): void
  pendingFor(ms: number): void
  /** Forgets rules and recorded requests. */
  clear(): void
  close(): Promise<void>
}

interface Rule {
  readonly action: string
  readonly kind: 'drop' | 'fail'
  remaining: number
  readonly code?: string
  readonly status?: number
  readonly message?: string
}

const AUTO_SCALING_VERSION = '2011-01-01'

function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    stream.on('data', (chunk: Buffer) => chunks.push(chunk))
    stream.on('end', () => resolve(Buffer.concat(chunks)))
    stream.on('error', reject)
  })
}

function errorXml(params: URLSearchParams, code: string, message: string): string {
  if (params.get('Version') === AUTO_SCALING_VERSION) {
    return `<ErrorResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>proxy</RequestId></ErrorResponse>`
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>proxy</RequestID></Response>`
}

export async function startProxy(target: string): Promise<MotoProxy> {
  const upstream = new URL(target)
  const rules: Rule[] = []
  const canned = new Map<string, string>()
  const requests: { action: string; params: URLSearchParams }[] = []
  const launchedAt = new Map<string, number>()
  let pendingMs = 0

  const takeRule = (action: string): Rule | undefined => {
    const rule = rules.find((entry) => entry.action === action && entry.remaining > 0)
    if (rule) rule.remaining--
    return rule
  }

  const forward = (
    req: IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        {
          hostname: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host, 'content-length': String(body.length) },
        },
        (response) => {
          readBody(response).then(
            (data) => resolve({ status: response.statusCode ?? 502, headers: response.headers, body: data }),
            reject,
          )
        },
      )
      outgoing.on('error', reject)
      outgoing.end(body)
    })

  /** Marks instances launched less than `pendingMs` ago as pending in a DescribeInstances answer. */
  const rewritePending = (xml: string): string => {
    const now = Date.now()
    return xml.replace(
      /(<instanceId>(i-[0-9a-f]+)<\/instanceId>[\s\S]*?<instanceState>\s*<code>)16(<\/code>\s*<name>)running(<\/name>)/g,
      (whole, start: string, id: string, middle: string, end: string) => {
        const at = launchedAt.get(id)
        return at !== undefined && now - at < pendingMs ? `${start}0${middle}pending${end}` : whole
      },
    )
  }

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req)
    const params = new URLSearchParams(body.toString('utf8'))
    const action =
      params.get('Action') ??
      String(req.headers['x-amz-target'] ?? 'unknown')
        .split('.')
        .pop() ??
      'unknown'
    requests.push({ action, params })

    const cannedBody = canned.get(action)
    if (cannedBody !== undefined) {
      res.writeHead(200, { 'content-type': 'text/xml' })
      res.end(cannedBody)
      return
    }
    const rule = takeRule(action)
    if (rule?.kind === 'fail') {
      res.writeHead(rule.status ?? 503, { 'content-type': 'text/xml' })
      res.end(errorXml(params, rule.code ?? 'InternalError', rule.message ?? 'injected by the test proxy'))
      return
    }
    const answer = await forward(req, body)
    if (rule?.kind === 'drop') {
      // The call happened upstream; the client never learns its result.
      req.socket.destroy()
      return
    }
    let payload = answer.body
    if (action === 'RunInstances' && answer.status === 200) {
      for (const match of payload.toString('utf8').matchAll(/<instanceId>(i-[0-9a-f]+)<\/instanceId>/g)) {
        if (match[1]) launchedAt.set(match[1], Date.now())
      }
    }
    if (action === 'DescribeInstances' && pendingMs > 0 && answer.status === 200) {
      payload = Buffer.from(rewritePending(payload.toString('utf8')), 'utf8')
    }
    const headers = { ...answer.headers, 'content-length': String(payload.length) }
    delete headers['transfer-encoding']
    res.writeHead(answer.status, headers)
    res.end(payload)
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(502, { 'content-type': 'text/plain' })
      res.end(`proxy error: ${String(error)}`)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0

  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    dropResponse(action, times = 1) {
      rules.push({ action, kind: 'drop', remaining: times })
    },
    fail(action, code, options = {}) {
      rules.push({
        action,
        kind: 'fail',
        remaining: options.times ?? 1,
        code,
        ...(options.status === undefined ? {} : { status: options.status }),
        ...(options.message === undefined ? {} : { message: options.message }),
      })
    },
    respond(action, xml) {
      canned.set(action, xml)
    },
    pendingFor(ms) {
      pendingMs = ms
    },
    clear() {
      rules.length = 0
      canned.clear()
      requests.length = 0
      pendingMs = 0
    },
    close() {
      return new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
    },
  }
}
