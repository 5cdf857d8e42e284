export { type Clock, systemClock } from './clock.js'
export { ManualClock } from './manual-clock.js'
export { VirtualClock } from './virtual-clock.js'
