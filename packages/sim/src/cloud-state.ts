import { mkdirSync, readFileSync, renameSync, rmSync, type Stats, statSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { z } from 'zod'
import { SIM_KINDS } from './kinds.js'
import type { SimRecord } from './records.js'

/** Version of the state file layout; a file from a newer sim is refused rather than misread. */
export const CLOUD_STATE_VERSION = 1

/** Everything the cloud knows. Plain JSON. */
export interface CloudData {
  version: typeof CLOUD_STATE_VERSION
  /** Source of resource ids; shared by every region in the file, as ids are account-wide. */
  counter: number
  /** Source of public addresses. */
  publicCounter: number
  resources: Record<string, SimRecord>
  /** Idempotency key → resource id. */
  idempotency: Record<string, string>
}

// The file is a trust boundary (another process, or a person, may have written it): check the
// shape of what the sim relies on, and let kind-specific fields through.
const recordSchema = z.looseObject({
  id: z.string(),
  kind: z.enum(SIM_KINDS),
  region: z.string(),
  lifecycle: z.enum(['creating', 'available', 'failed', 'deleting']),
  createdAt: z.number(),
  visibleAt: z.number(),
  readyAt: z.number(),
  tags: z.record(z.string(), z.string()),
  spec: z.record(z.string(), z.unknown()),
})
const fileSchema = z.strictObject({
  version: z.number().int(),
  counter: z.number().int().min(0),
  publicCounter: z.number().int().min(0),
  resources: z.record(z.string(), recordSchema),
  idempotency: z.record(z.string(), z.string()),
})

function emptyCloud(): CloudData {
  return { version: CLOUD_STATE_VERSION, counter: 0, publicCounter: 0, resources: {}, idempotency: {} }
}

/**
 * Where the cloud's data lives: memory, or a JSON file that outlives the process. In file
 * mode every call first reloads the file if another process replaced it, and every mutation
 * writes a temporary file and renames it over the old one, so a killed process leaves the
 * previous or the next version, never half of one. One process should write at a time.
 */
export class CloudStore {
  readonly file: string | undefined
  #data: CloudData | undefined
  /** Identity of the file version held in memory: inode, size and mtime. */
  #seen: string | undefined

  /** Called with the data each time it is loaded from the file. */
  readonly #onLoad: ((data: CloudData) => void) | undefined

  constructor(file?: string, onLoad?: (data: CloudData) => void) {
    this.file = file
    this.#onLoad = onLoad
  }

  /** The data, loaded on first use (so creating a provider does no I/O). */
  get data(): CloudData {
    this.#data ??= this.#load()
    return this.#data
  }

  /** Reloads the file when another process has replaced it since we last read or wrote it. */
  refresh(): boolean {
    if (!this.file || this.#data === undefined) return false
    const current = fingerprint(statOrUndefined(this.file))
    if (current === this.#seen) return false
    this.#data = this.#load()
    return true
  }

  /** Persists the data (file mode); a no-op in memory. */
  commit(): void {
    if (!this.file || this.#data === undefined) return
    mkdirSync(dirname(this.file), { recursive: true })
    const temp = `${this.file}.${process.pid}.tmp`
    try {
      writeFileSync(temp, JSON.stringify(this.#data))
      renameSync(temp, this.file)
    } catch (error) {
      rmSync(temp, { force: true })
      throw new Error(
        `The sim could not write its state file ${this.file}: ${(error as Error).message}. Check that the directory is writable.`,
        { cause: error },
      )
    }
    this.#seen = fingerprint(statOrUndefined(this.file))
  }

  /** Replaces all data (used by reset), and persists it. */
  replace(data: CloudData): void {
    this.#data = data
    this.commit()
  }

  #load(): CloudData {
    if (!this.file) return emptyCloud()
    const stats = statOrUndefined(this.file)
    this.#seen = fingerprint(stats)
    if (!stats) return emptyCloud()
    let json: unknown
    try {
      json = JSON.parse(readFileSync(this.file, 'utf8'))
    } catch (error) {
      throw new Error(
        `The sim's state file ${this.file} is not valid JSON (${(error as Error).message}). It was left untouched; move it away or pass another stateFile.`,
        { cause: error },
      )
    }
    const parsed = fileSchema.safeParse(json)
    if (!parsed.success) {
      throw new Error(
        `The sim's state file ${this.file} is not a sim cloud: ${z.prettifyError(parsed.error)}. It was left untouched; move it away or pass another stateFile.`,
      )
    }
    if (parsed.data.version !== CLOUD_STATE_VERSION) {
      throw new Error(
        `The sim's state file ${this.file} has layout version ${parsed.data.version}; this @skyloom/sim reads version ${CLOUD_STATE_VERSION}. Use the @skyloom/sim that wrote it, or another stateFile.`,
      )
    }
    const data = parsed.data as unknown as CloudData
    this.#onLoad?.(data)
    return data
  }
}

function statOrUndefined(file: string): Stats | undefined {
  try {
    return statSync(file)
  } catch {
    return undefined
  }
}

function fingerprint(stats: Stats | undefined): string | undefined {
  return stats ? `${stats.ino}:${stats.size}:${stats.mtimeMs}` : undefined
}

/** The latest moment recorded in the data (creation, readiness, transitions): where its clock stood. */
export function latestRecordedTime(data: CloudData): number {
  let latest = Number.NEGATIVE_INFINITY
  const walk = (value: unknown, key: string): void => {
    if (typeof value === 'number' && key.endsWith('At') && Number.isFinite(value))
      latest = Math.max(latest, value)
    else if (Array.isArray(value)) for (const item of value) walk(item, key)
    else if (typeof value === 'object' && value !== null)
      for (const [inner, child] of Object.entries(value)) walk(child, inner)
  }
  walk(data.resources, '')
  return latest
}
