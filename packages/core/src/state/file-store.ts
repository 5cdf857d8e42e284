import { constants, existsSync } from 'node:fs'
import {
  type FileHandle,
  link,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  stat,
  truncate,
  unlink,
} from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { StateError } from '../errors/state-error.js'
import { Fragmentation } from './fragmentation.js'
import { applyEntry, type JournalEntry, type WorkingState, workingCopy } from './journal.js'
import {
  acquireWithWait,
  isStale,
  type LockRecord,
  newLockRecord,
  publicHolder,
  renewedRecord,
} from './lock.js'
import { migrateState } from './migrate.js'
import { journalEntrySchema, snapshotFileSchema, storedStateSchema } from './schema.js'
import { type EncryptionHeader, SecretCodec, type StateKeyOptions } from './secret-codec.js'
import {
  DEFAULT_HISTORY_LIMIT,
  type HistoryEntry,
  type LockRequest,
  type StateLock,
  type StateStore,
} from './store.js'
import { type PendingIntent, type ResourceState, STATE_SCHEMA_VERSION, type StackState } from './types.js'

export interface FileStateOptions extends StateKeyOptions {
  /** Directory holding one folder per stack. Default `.skyloom/state` under the working directory. */
  readonly dir?: string
  /**
   * `fsync` (default): a journal entry is on disk before the cloud call it announces, even
   * across a power cut. `write`: it survives a crash of the process but not of the machine.
   */
  readonly durability?: 'fsync' | 'write'
  /** Saved versions kept per stack for history and restore. Default 100. */
  readonly historyLimit?: number
}

interface PendingLine {
  readonly line: string
  readonly resolve: () => void
  readonly reject: (error: unknown) => void
}

interface StackHandle {
  /** Props and dependencies of intents written by this process, until their result is. */
  intents: Map<string, PendingIntent>
  codec: SecretCodec | undefined
  header: EncryptionHeader | undefined
  journal: FileHandle | undefined
  queue: PendingLine[]
  /**
   * The state last read or compacted, with the identity (inode, size, mtime) its files had: a
   * long-running service reads a big stack once, not at every plan and apply. Any write to
   * either file, by this process or another, changes the identity and the next read parses.
   * Its fragmentation goes on counting the lines this process appends, until the compaction
   * that decides with it.
   */
  cached: Cached | undefined
  flushing: Promise<void> | undefined
}

interface Cached {
  readonly files: string
  readonly state: StackState
  /** Undefined when this process lost count (the state left the cache mid-operation). */
  readonly fragmentation: Fragmentation | undefined
}

const FILE_MODE = 0o600
/** How many stacks' states a file store keeps in memory between operations. */
const CACHED_STACKS = 32

/**
 * The embedded default store: per stack a snapshot (`state.json`) plus an append-only NDJSON
 * journal (`journal.ndjson`), group-committed with O_DSYNC writes. Once more of the two files is
 * dead than live (see {@link Fragmentation}), compaction writes the snapshot to a temporary file
 * and renames it over the old one, so a crash leaves the old or the new version, never half of
 * one. Every version is kept under `history/` (hard links) for restore. Secrets are encrypted
 * with AES-256-GCM when a passphrase or key provider is given.
 */
export function fileState(options: FileStateOptions = {}): StateStore {
  const root = resolve(options.dir ?? join('.skyloom', 'state'))
  const durability = options.durability ?? 'fsync'
  const historyLimit = options.historyLimit ?? DEFAULT_HISTORY_LIMIT
  const handles = new Map<string, StackHandle>()
  // With O_DSYNC a journal write is also its sync: one trip to libuv's thread pool, which
  // completes while the engine runs the steps the previous write released. A write followed
  // by fdatasync takes two trips, and the second cannot start until the event loop is free,
  // so the disk's sync time became time the engine waited. (Windows has no O_DSYNC.)
  const syncEachWrite = durability === 'fsync' && constants.O_DSYNC !== undefined

  // The stacks whose state is kept in memory, least recently used first: a service with many
  // stacks keeps the busy ones, not all of them.
  const recent = new Set<string>()
  const remember = (stack: string, cached: Cached): void => {
    handleOf(stack).cached = cached
    recent.delete(stack)
    recent.add(stack)
    if (recent.size <= CACHED_STACKS) return
    const oldest = recent.values().next().value!
    recent.delete(oldest)
    handleOf(oldest).cached = undefined
  }

  const paths = (stack: string) => {
    const dir = join(root, stack)
    return {
      dir,
      snapshot: join(dir, 'state.json'),
      journal: join(dir, 'journal.ndjson'),
      lock: join(dir, 'lock.json'),
      history: join(dir, 'history'),
      historyIndex: join(dir, 'history', 'index.ndjson'),
    }
  }
  const handleOf = (stack: string): StackHandle => {
    let handle = handles.get(stack)
    if (!handle) {
      handle = {
        intents: new Map(),
        codec: undefined,
        header: undefined,
        journal: undefined,
        queue: [],
        cached: undefined,
        flushing: undefined,
      }
      handles.set(stack, handle)
    }
    return handle
  }

  const codecFor = async (
    stack: string,
    header: EncryptionHeader | undefined,
    salt: string,
  ): Promise<SecretCodec> => {
    const handle = handleOf(stack)
    if (!handle.codec) {
      handle.codec = await SecretCodec.open(options, header, salt, paths(stack).snapshot)
      handle.header = handle.codec.header
    }
    return handle.codec
  }

  const readSnapshotFile = async (stack: string, file: string): Promise<StackState> => {
    let raw: unknown
    let text: string
    try {
      text = await readFile(file, 'utf8')
      raw = JSON.parse(text)
    } catch (error) {
      throw new StateError(
        `The state file ${file} could not be read as JSON (${(error as Error).message}). It was left untouched; restore an earlier version from ${paths(stack).history} or from a backup.`,
        { location: file, cause: error },
      )
    }
    const envelope = snapshotFileSchema.safeParse(raw)
    if (!envelope.success) {
      throw new StateError(
        `The file ${file} is not a Skyloom state file (${envelope.error.issues[0]?.message}). It was left untouched.`,
        {
          location: file,
        },
      )
    }
    const migrated = migrateState(envelope.data.state as Record<string, unknown>, file)
    const parsed = storedStateSchema.safeParse(migrated)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      throw new StateError(
        `The state file ${file} is damaged at ${issue?.path.join('.') || 'its root'}: ${issue?.message}. It was left untouched.`,
        { location: file },
      )
    }
    const codec = await codecFor(stack, envelope.data.encryption, parsed.data.salt)
    return codec.decodeParsed(text, parsed.data) as StackState
  }

  /** Writes `content` to a private file and renames it over `file`: readers see all of it or none. */
  const writeAtomically = async (
    file: string,
    content: string,
    sync = durability === 'fsync',
  ): Promise<void> => {
    const temp = `${file}.${process.pid}.tmp`
    const handle = await open(temp, 'w', FILE_MODE)
    try {
      await handle.writeFile(content)
      if (sync) await handle.datasync()
    } finally {
      await handle.close()
    }
    await rename(temp, file)
  }

  const snapshotText = (stack: string, state: StackState, operation: string): string => {
    const handle = handleOf(stack)
    return handle.codec!.stringify({
      format: 'skyloom-state',
      schemaVersion: STATE_SCHEMA_VERSION,
      savedAt: state.updatedAt,
      operation,
      ...(handle.header ? { encryption: handle.header } : {}),
      state: { ...state, schemaVersion: STATE_SCHEMA_VERSION },
    })
  }

  const openJournal = async (stack: string): Promise<FileHandle> => {
    const handle = handleOf(stack)
    if (handle.journal) return handle.journal
    const file = paths(stack).journal
    // A kill during a write can leave half a line at the end: it was never acknowledged, so the
    // cloud call it announced was never made. Cut it off before appending after it.
    if (existsSync(file)) {
      const text = await readFile(file, 'utf8')
      if (text.length > 0 && !text.endsWith('\n'))
        await truncate(file, Buffer.byteLength(text.slice(0, text.lastIndexOf('\n') + 1)))
    }
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND
    handle.journal = await open(file, syncEachWrite ? flags | constants.O_DSYNC : flags, FILE_MODE)
    return handle.journal
  }

  const flush = (stack: string, handle: StackHandle): void => {
    if (handle.flushing) return
    handle.flushing = (async () => {
      // Let every append of this tick join the batch.
      await Promise.resolve()
      while (handle.queue.length > 0) {
        const batch = handle.queue.splice(0)
        try {
          const journal = await openJournal(stack)
          await journal.writeFile(batch.map((item) => item.line).join(''))
          if (durability === 'fsync' && !syncEachWrite) await journal.datasync()
          for (const item of batch) item.resolve()
        } catch (error) {
          const failure = new StateError(
            `Could not write the journal of stack "${stack}" at ${paths(stack).journal}: ${(error as Error).message}`,
            {
              location: paths(stack).journal,
              cause: error,
            },
          )
          for (const item of batch) item.reject(failure)
        }
      }
      handle.flushing = undefined
    })()
  }

  const closeJournal = async (stack: string): Promise<void> => {
    const handle = handleOf(stack)
    await handle.flushing
    await handle.journal?.close()
    handle.journal = undefined
  }

  const readHistoryIndex = async (stack: string): Promise<HistoryEntry[]> => {
    const file = paths(stack).historyIndex
    if (!existsSync(file)) return []
    const entries: HistoryEntry[] = []
    for (const line of (await readFile(file, 'utf8')).split('\n')) {
      if (!line) continue
      try {
        entries.push(JSON.parse(line) as HistoryEntry)
      } catch {
        // A torn last line of the index only loses that entry's listing, not its snapshot.
      }
    }
    return entries
  }

  /**
   * The state a snapshot file and a journal make together: the journal's entries after the
   * snapshot's version (and up to `upTo`) applied in order, and how fragmented the two files
   * are. A torn last line is ignored; any other damage is an error that leaves the files untouched.
   */
  const replay = async (
    stack: string,
    snapshotFile: string,
    journalFile: string,
    upTo = Number.POSITIVE_INFINITY,
  ): Promise<{ state: StackState; fragmentation: Fragmentation }> => {
    const snapshot = await readSnapshotFile(stack, snapshotFile)
    const fragmentation = new Fragmentation(Object.keys(snapshot.resources))
    if (!existsSync(journalFile)) return { state: snapshot, fragmentation }
    const codec = handleOf(stack).codec!
    const state = workingCopy(snapshot)
    const lines = (await readFile(journalFile, 'utf8')).split('\n')
    for (let index = 0; index < lines.length; index++) {
      const line = lines[index]!
      if (line === '') continue
      const where = `${journalFile}:${index + 1}`
      let raw: unknown
      try {
        raw = JSON.parse(line)
      } catch {
        // The last line without its newline is a torn write: never acknowledged, safely ignored.
        if (index === lines.length - 1) break
        throw new StateError(
          `The journal line ${where} is not valid JSON, and it is not the last line, so the journal is damaged. It was left untouched; restore from ${paths(stack).history} or a backup.`,
          { location: where },
        )
      }
      const parsed = journalEntrySchema.safeParse(raw)
      if (!parsed.success) {
        throw new StateError(
          `The journal line ${where} is not a valid entry (${parsed.error.issues[0]?.message}). It was left untouched.`,
          {
            location: where,
          },
        )
      }
      const entry = codec.decodeParsed(line, parsed.data) as JournalEntry
      if (entry.v <= state.version) {
        fragmentation.dead(line.length + 1)
        continue
      }
      if (entry.v > upTo) break
      if (entry.v !== state.version + 1) {
        throw new StateError(
          `The journal ${journalFile} skips from version ${state.version} to ${entry.v} at line ${index + 1}.`,
          {
            location: where,
          },
        )
      }
      const whole =
        entry.type === 'put'
          ? inherit(entry, state, where)
          : entry.type === 'intent' && !entry.intent.startedAt
            ? { ...entry, intent: { ...entry.intent, startedAt: entry.at } }
            : entry
      fragmentation.add(whole, line.length + 1)
      applyEntry(state, whole)
    }
    return { state, fragmentation }
  }

  return {
    location: root,

    async read(stack) {
      const file = paths(stack)
      if (!existsSync(file.snapshot)) {
        if (existsSync(file.journal)) {
          throw new StateError(
            `Stack "${stack}" has a journal (${file.journal}) but no snapshot (${file.snapshot}); the state is incomplete. Restore state.json from history or a backup; nothing was changed.`,
            { location: file.snapshot },
          )
        }
        return undefined
      }
      const handle = handleOf(stack)
      // Taken before reading: if the files change meanwhile, the next read sees another identity.
      const files = await identityOf(file.snapshot, file.journal)
      const cached =
        handle.cached?.files === files
          ? handle.cached
          : { files, ...(await replay(stack, file.snapshot, file.journal)) }
      remember(stack, cached)
      return workingCopy(cached.state)
    },

    async append(stack, entries, initial) {
      const file = paths(stack)
      const handle = handleOf(stack)
      if (!existsSync(file.snapshot)) {
        await mkdir(file.dir, { recursive: true })
        await codecFor(stack, undefined, initial.salt)
        await writeAtomically(file.snapshot, snapshotText(stack, initial, 'create'))
        // Nothing reads a state that is not there yet: start the count here (the identity
        // matches no files, so no read takes this state from the cache).
        remember(stack, { files: '', state: initial, fragmentation: new Fragmentation([]) })
      } else if (!handle.codec) {
        await readSnapshotFile(stack, file.snapshot)
      }
      const codec = handle.codec!
      // One queue item per append (the engine already batches): its lines go out together.
      let text = ''
      const sizes: number[] = []
      for (const entry of entries) {
        const line = `${codec.stringify(leanEntry(entry, handle.intents))}\n`
        text += line
        sizes.push(line.length)
      }
      await new Promise<void>((resolvePromise, reject) => {
        handle.queue.push({ line: text, resolve: resolvePromise, reject })
        flush(stack, handle)
      })
      // Counted once written: a failed write changes neither the files nor the count.
      const fragmentation = handle.cached?.fragmentation
      if (fragmentation)
        for (let index = 0; index < entries.length; index++) fragmentation.add(entries[index]!, sizes[index]!)
    },

    async compact(stack, state, operation) {
      const file = paths(stack)
      await mkdir(file.history, { recursive: true })
      if (!handleOf(stack).codec) {
        if (existsSync(file.snapshot)) await readSnapshotFile(stack, file.snapshot)
        else await codecFor(stack, undefined, state.salt)
      }
      await closeJournal(stack)
      const version = versionName(state.version)
      // The snapshot is rewritten only once more of the two files is dead than live (see
      // Fragmentation): until then an operation costs what it journaled, not a rewrite of the
      // whole state. Without a count (the stack left this store's cache during the operation)
      // the journal is compared with the snapshot. A version that is not
      // rewritten is saved as the snapshot it started from plus the journal, both hard-linked
      // into history/ (the journal is only ever appended to until it is replaced, so the link
      // holds every entry up to this version).
      const journalBytes = await sizeOf(file.journal)
      const snapshotBytes = await sizeOf(file.snapshot)
      const fragmentation = handleOf(stack).cached?.fragmentation
      const rewrite =
        journalBytes === 0 ||
        (fragmentation ? fragmentation.shouldRewrite(snapshotBytes) : journalBytes > snapshotBytes)
      let next = fragmentation
      if (!rewrite) {
        await linkInto(file.journal, join(file.history, `${version}.ndjson`))
        await linkInto(file.snapshot, join(file.history, `${version}.json`))
      } else {
        await writeAtomically(file.snapshot, snapshotText(stack, state, operation))
        // Entries up to state.version are now in the snapshot; a crash before the new journal
        // replaces the old one only leaves entries that replay skips. The journal is replaced,
        // not truncated: history/ may hold links to it.
        if (existsSync(file.journal)) await writeAtomically(file.journal, '', false)
        await linkInto(file.snapshot, join(file.history, `${version}.json`))
        next = new Fragmentation(Object.keys(state.resources))
      }
      remember(stack, {
        files: await identityOf(file.snapshot, file.journal),
        state: workingCopy(state),
        fragmentation: next,
      })
      const entry: HistoryEntry = {
        version: state.version,
        at: state.updatedAt,
        operation,
        resources: Object.keys(state.resources).length,
      }
      const index = [
        entry,
        ...(await readHistoryIndex(stack)).filter((item) => item.version !== state.version),
      ]
      const kept = index.slice(0, historyLimit)
      for (const dropped of index.slice(historyLimit)) {
        const name = versionName(dropped.version)
        await unlink(join(file.history, `${name}.json`)).catch(() => {})
        await unlink(join(file.history, `${name}.ndjson`)).catch(() => {})
      }
      await writeAtomically(file.historyIndex, kept.map((item) => `${JSON.stringify(item)}\n`).join(''))
    },

    async history(stack) {
      return readHistoryIndex(stack)
    },

    async snapshot(stack, version) {
      const base = join(paths(stack).history, versionName(version))
      const file = `${base}.json`
      if (!existsSync(file)) {
        throw new StateError(
          `Stack "${stack}" has no saved version ${version} (${file}); list versions with history().`,
          {
            location: file,
          },
        )
      }
      const { state } = await replay(stack, file, `${base}.ndjson`, version)
      if (state.version !== version) {
        throw new StateError(
          `Stack "${stack}"'s saved version ${version} is incomplete: ${file} and ${base}.ndjson reach only version ${state.version}. They were left untouched.`,
          { location: file },
        )
      }
      return state
    },

    async lock(stack, request: LockRequest): Promise<StateLock> {
      const file = paths(stack)
      await mkdir(file.dir, { recursive: true })
      const readRecord = async (): Promise<LockRecord | undefined> => {
        try {
          return JSON.parse(await readFile(file.lock, 'utf8')) as LockRecord
        } catch {
          return undefined
        }
      }
      // The lock appears with its content in one step: written to a private file, then hard-linked
      // to lock.json, which fails if the lock exists. A crash never leaves an empty lock behind
      // (after a power cut it may be empty: that reads as unreadable and is broken as stale).
      const tryCreate = async (record: LockRecord): Promise<boolean> => {
        const temp = `${file.lock}.${process.pid}.${record.token}.tmp`
        // No sync needed: its holder would not survive a power cut either.
        await writeAtomically(temp, JSON.stringify(record), false)
        try {
          await link(temp, file.lock)
          return true
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
          return false
        } finally {
          await unlink(temp).catch(() => {})
        }
      }
      const held = await acquireWithWait(stack, request, async () => {
        const record = newLockRecord(request)
        if (await tryCreate(record)) return { acquired: true, lock: record }
        const holder = await readRecord()
        if (holder && !isStale(holder, request.clock.now()))
          return { acquired: false, holder: publicHolder(holder) }
        if (holder) request.onStale?.(publicHolder(holder))
        // Move the stale (or unreadable) lock aside atomically: of two breakers only one rename
        // succeeds, and the loser finds the winner's fresh lock on its next try.
        const aside = `${file.lock}.stale.${process.pid}.${Date.now()}`
        try {
          await rename(file.lock, aside)
          await unlink(aside)
        } catch {
          // Someone else broke it first.
        }
        if (await tryCreate(record)) return { acquired: true, lock: record }
        const winner = await readRecord()
        return { acquired: false, holder: winner ? publicHolder(winner) : undefined }
      })
      let mine = held
      return {
        holder: publicHolder(held),
        async renew() {
          const current = await readRecord()
          if (current?.token !== mine.token) {
            throw new StateError(
              `The lock on stack "${stack}" (${file.lock}) was taken by someone else (forceUnlock?).`,
              {
                location: file.lock,
              },
            )
          }
          mine = renewedRecord(mine, request)
          await writeAtomically(file.lock, JSON.stringify(mine), false)
        },
        async release() {
          await closeJournal(stack)
          const current = await readRecord()
          if (current?.token === mine.token) await unlink(file.lock).catch(() => {})
        },
      }
    },

    async forceUnlock(stack) {
      const file = paths(stack).lock
      let holder: LockRecord | undefined
      try {
        holder = JSON.parse(await readFile(file, 'utf8')) as LockRecord
      } catch {
        holder = undefined
      }
      await unlink(file).catch(() => {})
      return holder ? publicHolder(holder) : undefined
    },

    async stacks() {
      if (!existsSync(root)) return []
      const entries = await readdir(root, { withFileTypes: true })
      return entries
        .filter((entry) => entry.isDirectory() && existsSync(join(root, entry.name, 'state.json')))
        .map((entry) => entry.name)
        .sort()
    },
  }
}

/** What changes when a file is written, replaced or appended to. */
async function identityOf(...files: string[]): Promise<string> {
  const parts: string[] = []
  for (const file of files) {
    try {
      const info = await stat(file, { bigint: true })
      parts.push(`${info.ino}:${info.size}:${info.mtimeNs}`)
    } catch {
      parts.push('-')
    }
  }
  return parts.join('|')
}

/** `v00000042`: the file name of a saved version, without its extension. */
function versionName(version: number): string {
  return `v${String(version).padStart(8, '0')}`
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size
  } catch {
    return 0
  }
}

/** Hard-links `file` as `target`, replacing any older `target` atomically. */
async function linkInto(file: string, target: string): Promise<void> {
  const temp = `${target}.${process.pid}.tmp`
  await unlink(temp).catch(() => {})
  await link(file, temp)
  await rename(temp, target)
}

/**
 * A journal entry as the file store writes it. A create's result repeats the props and
 * dependencies its intent carried: the line says "inherits" instead, which cuts the journal by
 * about a third ({@link inherit} fills it back in). Intents are written as they are (leaving out
 * their start time cost more in copying than it saved in bytes) and remembered in `intents`,
 * by key, until their result is written.
 */
function leanEntry(entry: JournalEntry, intents: Map<string, PendingIntent>): unknown {
  if (entry.type === 'intent') {
    if (entry.intent.props) intents.set(entry.intent.key, entry.intent)
    return entry
  }
  if (entry.type !== 'put' || !entry.resolves) return entry
  const intent = intents.get(entry.resolves)
  intents.delete(entry.resolves)
  const resource = entry.resource
  if (!intent || intent.props !== resource.props || intent.dependencies !== resource.dependencies)
    return entry
  if (resource.urn !== intent.urn || resource.kind !== intent.kind || resource.provider !== intent.provider)
    return entry
  // What the intent already says (urn, kind, provider, props, dependencies) and what the
  // line's time says (created and updated now) is left out.
  const lean: Record<string, unknown> = {
    id: resource.id,
    outputs: resource.outputs,
    status: resource.status,
  }
  if (resource.name !== resource.urn.split('/')[2]) lean.name = resource.name
  if (resource.protect) lean.protect = true
  if (resource.retainOnDelete) lean.retainOnDelete = true
  if (resource.createdAt !== entry.at) lean.createdAt = resource.createdAt
  if (resource.updatedAt !== entry.at) lean.updatedAt = resource.updatedAt
  return { ...entry, resource: lean, inherits: true }
}

/** Fills a result line that inherits its props and dependencies from the intent it resolves (and checks it has them). */
function inherit(
  entry: Extract<JournalEntry, { type: 'put' }>,
  state: WorkingState,
  where: string,
): JournalEntry {
  if (!(entry as { inherits?: boolean }).inherits) {
    if (entry.resource.props === undefined || entry.resource.urn === undefined) {
      throw new StateError(
        `The journal line ${where} records an incomplete resource. The journal was left untouched.`,
        {
          location: where,
        },
      )
    }
    return entry
  }
  const intent = entry.resolves ? state.pending[entry.resolves] : undefined
  if (!intent?.props) {
    throw new StateError(
      `The journal line ${where} inherits from intent ${entry.resolves}, which is not pending. The journal was left untouched.`,
      { location: where },
    )
  }
  const lean = entry.resource as Partial<ResourceState> & Pick<ResourceState, 'id' | 'outputs' | 'status'>
  const resource: ResourceState = {
    ...lean,
    urn: intent.urn,
    kind: intent.kind,
    name: lean.name ?? intent.urn.split('/')[2] ?? intent.urn,
    provider: intent.provider,
    props: intent.props,
    dependencies: intent.dependencies ?? [],
    createdAt: lean.createdAt ?? entry.at,
    updatedAt: lean.updatedAt ?? entry.at,
  }
  return { ...entry, resource }
}
