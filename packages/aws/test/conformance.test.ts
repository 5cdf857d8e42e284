import { testProvider } from '@skyloom/testkit'
import { awsUnderTest, CONFORMANCE_KINDS } from './support/conformance.js'
import { motoAvailability } from './support/moto.js'

// Without moto_server the kit skips with the reason printed; under CI=true motoAvailability
// throws instead, so a missing emulator fails the run rather than hiding the whole suite.
const moto = motoAvailability()

testProvider({
  name: 'aws conformance (moto)',
  kinds: CONFORMANCE_KINDS,
  setup: awsUnderTest,
  skip: moto.run ? false : moto.reason,
})
