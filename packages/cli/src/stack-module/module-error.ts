/** Why a stack module could not be used. */
export type ModuleErrorReason =
  | 'missing-file'
  | 'not-a-file'
  | 'unsupported-extension'
  | 'import-failed'
  | 'no-stack'
  | 'ambiguous-stack'
  | 'factory-failed'
  | 'bad-engine-options'

/**
 * A stack module could not be loaded or did not give a stack. The message says which file
 * (resolved path), what went wrong and how to fix it; exit code 2.
 */
export class StackModuleError extends Error {
  readonly reason: ModuleErrorReason
  /** Absolute path of the module. */
  readonly file: string

  constructor(reason: ModuleErrorReason, file: string, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'StackModuleError'
    this.reason = reason
    this.file = file
  }
}
