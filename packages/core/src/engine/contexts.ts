import type { Clock } from '../clock/clock.js'
import type { EventBus } from '../events/event-bus.js'
import { ownershipOf } from '../model/ownership.js'
import { parseUrn } from '../model/urn.js'
import type { Logger, MutationContext, OperationContext } from '../provider/contract.js'
import type { NormalizedProvider } from '../provider/normalize.js'
import type { CallRunner, StepCallContext } from './calls.js'

export interface ContextDeps {
  readonly stack: string
  readonly clock: Clock
  readonly logger: Logger
  readonly calls: CallRunner
  readonly events: EventBus
}

/** Builds the context a provider operation receives. */
export function operationContext(
  deps: ContextDeps,
  provider: NormalizedProvider,
  urn: string,
  signal: AbortSignal,
  providerOptions: Readonly<Record<string, unknown>> | undefined,
): OperationContext {
  const parsed = parseUrn(urn)
  return {
    urn,
    stack: deps.stack,
    kind: parsed?.kind ?? '',
    name: parsed?.name ?? '',
    ownership: ownershipOf(deps.stack, urn),
    signal,
    clock: deps.clock,
    logger: deps.logger,
    providerOptions,
    acquire: (scope, tokens = 1) => deps.calls.limiter(provider, scope).acquire(tokens, signal),
  }
}

export function mutationContext(
  deps: ContextDeps,
  provider: NormalizedProvider,
  urn: string,
  signal: AbortSignal,
  providerOptions: Readonly<Record<string, unknown>> | undefined,
  idempotencyKey: string,
  step: StepCallContext | undefined,
): MutationContext {
  return {
    ...operationContext(deps, provider, urn, signal, providerOptions),
    idempotencyKey,
    progress(message) {
      if (!step) return
      deps.events.emit({
        type: 'step-progress',
        stack: step.stack,
        operationId: step.operationId,
        stepId: step.stepId,
        urn: step.urn,
        operation: step.operation,
        correlationId: step.correlationId,
        message,
      })
    },
  }
}

/** A logger that adds fixed fields to every record. */
export function withFields(logger: Logger, fields: Record<string, unknown>): Logger {
  return {
    debug: (more, message) => logger.debug({ ...fields, ...more }, message),
    info: (more, message) => logger.info({ ...fields, ...more }, message),
    warn: (more, message) => logger.warn({ ...fields, ...more }, message),
    error: (more, message) => logger.error({ ...fields, ...more }, message),
  }
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} }
