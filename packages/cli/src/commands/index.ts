import type { Command } from '../command.js'
import { applyCommand } from './apply.js'
import { destroyCommand } from './destroy.js'
import { graphCommand } from './graph.js'
import { importCommand } from './import.js'
import { planCommand } from './plan.js'
import { refreshCommand } from './refresh.js'
import { stateHistoryCommand } from './state/history.js'
import { stateListCommand } from './state/list.js'
import { stateRestoreCommand } from './state/restore.js'
import { stateShowCommand } from './state/show.js'
import { stateUnlockCommand } from './state/unlock.js'

/** Every command, in the order `skyloom --help` lists them. */
export const COMMANDS: readonly Command[] = [
  planCommand,
  applyCommand,
  destroyCommand,
  refreshCommand,
  importCommand,
  graphCommand,
  stateListCommand,
  stateShowCommand,
  stateHistoryCommand,
  stateRestoreCommand,
  stateUnlockCommand,
]
