import type { ErrorClass } from '@skyloom/core/provider'

/**
 * A problem the provider itself detects (no region, an unknown image, a type missing from the
 * catalog). Handlers turn it into a `ProviderError` that names the resource and the operation.
 */
export class AwsProblem extends Error {
  readonly classification: ErrorClass
  readonly code: string | undefined

  constructor(classification: ErrorClass, message: string, code?: string) {
    super(message)
    this.name = 'AwsProblem'
    this.classification = classification
    this.code = code
  }
}
