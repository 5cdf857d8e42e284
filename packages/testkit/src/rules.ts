/**
 * The contract rules the kit checks. Each has a stable id (used in failure messages and in the
 * provider guide) and advice a provider author can act on.
 */
export const RULES = {
  'L1-limits':
    'The provider declares its rate limits as data: limits.scopes with finite capacity and refillPerSecond, mirroring the cloud’s own buckets, and readScope/mutateScope naming declared scopes.',
  'L2-durations':
    'Each kind declares operations.create.expectedMs, so the scheduler can run the critical path first.',
  'L3-classify': 'The provider classifies cloud errors (classifyError), so the engine knows what to retry.',
  'K1-create-read':
    'After create returns an id, read/readMany of that id returns the resource (status ready once waited for) with outputs including id.',
  'K2-replan-empty':
    'Planning the same stack right after applying it proposes no change: what read and create return must match the props that were applied.',
  'K3-update-in-place':
    'A change to a field the kind updates in place is planned as an update (not a replacement) and applied through update.',
  'K4-replace':
    'A change to a field that forces replacement creates a new resource (new id) before the old one is deleted.',
  'K5-drift':
    'A change made outside Skyloom shows up as drift on refresh: read must return the props the cloud really has.',
  'K6-import': 'A resource imported by id into an empty state plans no change against the same declaration.',
  'K7-find': 'find({ ownership }) returns the resource created for that URN: it carries the ownership tags.',
  'K8-actions': 'Every declared action runs on a live resource.',
  'K9-delete': 'After delete, reading the id returns nothing (or a not-found error).',
  'I1-idempotency':
    'Two creates with the same idempotency key make one resource: the cloud’s idempotency token, or a lookup before creating.',
  'E1-not-found':
    'Reading a resource that does not exist returns no entry or an error classified not-found; deleting one succeeds or fails as not-found.',
  'E2-throttle':
    'A throttling error from the cloud is classified throttled, with retryAfterMs when the cloud says how long to wait.',
  'C1-cancel':
    'A cancelled apply leaves no cloud resource the state does not know of (or that the next run’s recovery does not adopt).',
} as const

export type RuleId = keyof typeof RULES

const MARK = Symbol.for('skyloom.testkit.violation')

/** A provider broke a contract rule. The message says which rule, what happened, and what to fix. */
export class ContractViolation extends Error {
  readonly [MARK] = true
  readonly rule: RuleId

  constructor(rule: RuleId, what: string) {
    super(`Contract rule ${rule} broken: ${what}\n  Rule: ${RULES[rule]}`)
    this.name = 'ContractViolation'
    this.rule = rule
  }

  static isInstance(value: unknown): value is ContractViolation {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARK] === true
  }
}

/** Throws a ContractViolation for `rule` unless `condition` holds. */
export function expectRule(condition: unknown, rule: RuleId, what: () => string): asserts condition {
  if (!condition) throw new ContractViolation(rule, what())
}
