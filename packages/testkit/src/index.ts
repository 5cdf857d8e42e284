/**
 * The provider conformance kit: `testProvider({ kinds, setup })` registers a vitest suite that
 * checks a provider against the ProviderV1 contract, rule by rule, and says which rule a
 * failure breaks.
 * @packageDocumentation
 */
export type { KindFixture, ProviderUnderTest, TestProviderOptions } from './options.js'
export { ContractViolation, RULES, type RuleId } from './rules.js'
export { testProvider } from './test-provider.js'
