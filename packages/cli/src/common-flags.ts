import type { FlagSpecs } from './command.js'

/** Flags every command takes. */
export const helpFlags = {
  help: { type: 'boolean', short: 'h', description: 'show this help' },
} as const satisfies FlagSpecs

/** Where states live and how their secrets are decrypted. */
export const stateFlags = {
  'state-dir': {
    type: 'string',
    value: 'DIR',
    description: 'state directory (default $SKYLOOM_STATE_DIR, else .skyloom/state in the current directory)',
  },
  'passphrase-file': {
    type: 'string',
    value: 'FILE',
    description: 'file holding the state passphrase (default: the SKYLOOM_PASSPHRASE variable)',
  },
} as const satisfies FlagSpecs

export const outputFlags = {
  json: {
    type: 'boolean',
    description: 'newline-delimited JSON on stdout: every engine event, then one result line',
  },
  'no-color': { type: 'boolean', description: 'no colours (also: NO_COLOR=1)' },
} as const satisfies FlagSpecs
