/** One HTTP request and the response it got, as seen on the wire by the local server. */
export interface Exchange {
  readonly method: string
  /** Path without the query string, e.g. `/v2/droplets/3164444`. */
  readonly path: string
  /** Query parameters (the last value wins when repeated). */
  readonly query: Readonly<Record<string, string>>
  /** Request headers, names in lower case. */
  readonly requestHeaders: Readonly<Record<string, string>>
  /** Parsed JSON body, or undefined when the request had none. */
  readonly requestBody: unknown
  readonly status: number
  /** Response headers, names in lower case. */
  readonly responseHeaders: Readonly<Record<string, string>>
  /** Parsed JSON body, or undefined when the response had none. */
  readonly responseBody: unknown
}

export function describeExchange(exchange: Exchange): string {
  const query = new URLSearchParams(exchange.query).toString()
  return `${exchange.method} ${exchange.path}${query ? `?${query}` : ''} → ${exchange.status}`
}
