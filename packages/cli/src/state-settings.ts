import { readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { type EngineOptions, fileState, type StateStore } from '@skyloom/core'
import type { ResolvedIo } from './io.js'
import { UsageError } from './usage-error.js'

/** Default state directory, under the working directory (the same default as the engine's). */
export const DEFAULT_STATE_DIR = join('.skyloom', 'state')

/** Where the state lives and the key to its secrets, from flags and environment. */
export interface StateSettings {
  /** Absolute state directory. */
  readonly dir: string
  /** True when the user chose the directory (flag or SKYLOOM_STATE_DIR): it then wins over a module's store. */
  readonly chosen: boolean
  readonly passphrase: string | undefined
}

/**
 * Reads the state settings. The passphrase comes from `--passphrase-file` or the
 * SKYLOOM_PASSPHRASE variable, never from a flag value (it would land in shell history).
 */
export async function readStateSettings(
  io: ResolvedIo,
  flags: { readonly 'state-dir'?: string; readonly 'passphrase-file'?: string },
): Promise<StateSettings> {
  const chosenDir = flags['state-dir'] ?? nonEmpty(io.env.SKYLOOM_STATE_DIR)
  const dir = resolve(io.cwd, chosenDir ?? DEFAULT_STATE_DIR)
  let passphrase = nonEmpty(io.env.SKYLOOM_PASSPHRASE)
  const passphraseFile = flags['passphrase-file']
  if (passphraseFile !== undefined) {
    const file = resolve(io.cwd, passphraseFile)
    let text: string
    try {
      text = await readFile(file, 'utf8')
    } catch (error) {
      throw new UsageError(
        `Cannot read the passphrase file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`,
      )
    }
    // Editors and `echo` add a final newline that is not part of the passphrase.
    passphrase = text.replace(/\r?\n$/, '')
    if (passphrase === '') throw new UsageError(`The passphrase file ${file} is empty.`)
  }
  return { dir, chosen: chosenDir !== undefined, passphrase }
}

/** The file store for these settings. */
export function stateStoreOf(settings: StateSettings): StateStore {
  return fileState({
    dir: settings.dir,
    ...(settings.passphrase === undefined ? {} : { passphrase: settings.passphrase }),
  })
}

/**
 * Engine options for a module command: the module's options, with the CLI's state store
 * unless the module brings its own and the user did not choose a directory.
 */
export function engineOptionsFor(moduleOptions: EngineOptions, settings: StateSettings): EngineOptions {
  const store = moduleOptions.state && !settings.chosen ? moduleOptions.state : stateStoreOf(settings)
  return { ...moduleOptions, state: store }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value
}
