/** An error response of the local server: DigitalOcean's `{ id, message }` body with a status. */
export class FakeHttpError extends Error {
  readonly status: number
  readonly id: string
  /** A body other than `{ id, message }` (the tags endpoints answer 400 with `root_causes`). */
  readonly body: Record<string, unknown> | undefined

  constructor(status: number, id: string, message: string, body?: Record<string, unknown>) {
    super(message)
    this.status = status
    this.id = id
    this.body = body
  }
}

export const notFound = (what = 'The resource you requested could not be found.') =>
  new FakeHttpError(404, 'not_found', what)

export const unprocessable = (message: string) => new FakeHttpError(422, 'unprocessable_entity', message)

export const conflict = (message: string) => new FakeHttpError(409, 'conflict', message)
