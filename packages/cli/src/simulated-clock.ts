import { type Clock, systemClock } from '@skyloom/core'

/** True for any clock but real time (a VirtualClock, a ManualClock, a sim's clock): durations are labelled simulated. */
export function isSimulatedClock(clock: Clock | undefined): clock is Clock {
  return clock !== undefined && clock !== systemClock
}
