/** The neutral kinds the sim implements. */
export const SIM_KINDS = ['network', 'subnet', 'firewall', 'instance', 'volume', 'instance-group'] as const

/** A kind the sim implements. */
export type SimKind = (typeof SIM_KINDS)[number]

/** Prefix of the ids the sim gives each kind: `net-0000002a`, `i-0000002b`. */
export const ID_PREFIX: Readonly<Record<SimKind, string>> = {
  network: 'net',
  subnet: 'subnet',
  firewall: 'fw',
  instance: 'i',
  volume: 'vol',
  'instance-group': 'grp',
}
