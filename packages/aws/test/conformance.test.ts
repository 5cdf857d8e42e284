import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AwsUnderTest, awsUnderTest, CONFORMANCE_KINDS } from './support/conformance.js'
import { motoAvailability } from './support/moto.js'

/**
 * The provider conformance kit (@skyloom/testkit, issue 5) is not in the workspace yet. When it
 * lands, this file becomes:
 *
 *   testProvider({ name: 'aws conformance', kinds: CONFORMANCE_KINDS, setup: awsUnderTest })
 *
 * Until then the setup is exercised here, so it is known to work when the kit calls it.
 */
describe.skipIf(!motoAvailability().run)('conformance setup (for @skyloom/testkit)', () => {
  let subject: AwsUnderTest
  beforeAll(async () => {
    subject = await awsUnderTest()
  })
  afterAll(async () => {
    await subject?.cleanup()
  })

  it('gives a fixture for every kind, in dependency order', () => {
    expect(Object.keys(subject.fixtures)).toEqual([...CONFORMANCE_KINDS])
    expect(Object.keys(subject.provider.kinds).sort()).toEqual([...CONFORMANCE_KINDS].sort())
  })

  it('provokes a throttle the provider classifies as throttled', async () => {
    const error = await subject.throttle().then(
      () => undefined,
      (caught: unknown) => caught,
    )
    expect(subject.provider.classifyError?.(error)).toMatchObject({
      class: 'throttled',
      code: 'RequestLimitExceeded',
    })
  })

  it.todo('passes the @skyloom/testkit conformance suite (waiting for issue 5)')
})
