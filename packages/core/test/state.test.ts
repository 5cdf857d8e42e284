import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  createEngine,
  createStack,
  fileState,
  instance,
  isSecret,
  LockError,
  memoryState,
  network,
  planHasChanges,
  StateError,
  secret,
  systemClock,
} from '../src/index.js'
import { Fragmentation } from '../src/state/fragmentation.js'
import { migrateState } from '../src/state/migrate.js'
import { createMockProvider, type MockProvider } from '../src/testing.js'

const dirs: string[] = []
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
})
async function tempDir() {
  const dir = await mkdtemp(join(tmpdir(), 'skyloom-state-'))
  dirs.push(dir)
  return dir
}

function secretStack(provider: MockProvider, token = 'db-password-hunter2') {
  const stack = createStack('app', { provider })
  stack.add(network('net', { cidr: '10.0.0.0/16' }))
  stack.add(
    instance('vm', {
      size: 'small',
      image: 'debian-12',
      subnet: 'subnet-x',
      userData: secret(`PASSWORD=${token}`),
    }),
  )
  return stack
}

describe('file state store', () => {
  it('never writes a secret in clear; encrypts it with a passphrase and reads it back', async () => {
    const dir = await tempDir()
    const provider = createMockProvider()
    const engine = createEngine({ state: fileState({ dir, passphrase: 'correct horse' }) })
    await engine.up(secretStack(provider))
    const files = await readdir(join(dir, 'app'), { recursive: true })
    for (const file of files) {
      if (!file.endsWith('.json') && !file.endsWith('.ndjson')) continue
      expect(await readFile(join(dir, 'app', file), 'utf8')).not.toContain('hunter2')
    }
    const again = createEngine({ state: fileState({ dir, passphrase: 'correct horse' }) })
    const state = (await again.readState('app'))!
    const userData = state.resources['app/instance/vm']!.props.userData as { reveal(): string }
    expect(userData.reveal()).toBe('PASSWORD=db-password-hunter2')
    expect(planHasChanges(await again.plan(secretStack(provider)))).toBe(false)
    // A changed secret is seen as a change.
    expect(planHasChanges(await again.plan(secretStack(provider, 'other')))).toBe(true)
  })

  it('refuses a wrong passphrase with a clear error and leaves the files alone', async () => {
    const dir = await tempDir()
    await createEngine({ state: fileState({ dir, passphrase: 'right' }) }).up(
      secretStack(createMockProvider()),
    )
    const before = readFileSync(join(dir, 'app', 'state.json'), 'utf8')
    const error = await createEngine({ state: fileState({ dir, passphrase: 'wrong' }) })
      .readState('app')
      .catch((caught: unknown) => caught)
    expect(StateError.isInstance(error)).toBe(true)
    expect((error as Error).message).toContain('does not match')
    expect(readFileSync(join(dir, 'app', 'state.json'), 'utf8')).toBe(before)
  })

  it('keeps only a fingerprint of secrets when no key is configured, and still detects changes', async () => {
    const dir = await tempDir()
    const provider = createMockProvider()
    const engine = createEngine({ state: fileState({ dir }) })
    await engine.up(secretStack(provider))
    const text = ['state.json', 'journal.ndjson']
      .map((file) => readFileSync(join(dir, 'app', file), 'utf8'))
      .join('\n')
    expect(text).not.toContain('hunter2')
    expect(text).toContain('"$secret":{"fp":')
    const fresh = createEngine({ state: fileState({ dir }) })
    expect(planHasChanges(await fresh.plan(secretStack(provider)))).toBe(false)
    expect(planHasChanges(await fresh.plan(secretStack(provider, 'rotated')))).toBe(true)
  })

  it('reads a sealed secret back however its key is escaped', async () => {
    const dir = await tempDir()
    const provider = createMockProvider()
    await createEngine({ state: fileState({ dir, passphrase: 'pw' }) }).up(secretStack(provider))
    // Another tool may write the key escaped: JSON reads "\u0024secret" as "$secret".
    for (const name of ['state.json', 'journal.ndjson']) {
      const file = join(dir, 'app', name)
      writeFileSync(file, readFileSync(file, 'utf8').replaceAll('"$secret"', '"\\u0024secret"'))
    }
    const files = ['state.json', 'journal.ndjson'].map((name) => readFileSync(join(dir, 'app', name), 'utf8'))
    expect(files.join('\n')).toContain('\\u0024secret')
    const state = (await createEngine({ state: fileState({ dir, passphrase: 'pw' }) }).readState('app'))!
    const userData = state.resources['app/instance/vm']!.props.userData
    expect(isSecret(userData)).toBe(true)
    expect((userData as { reveal(): string }).reveal()).toBe('PASSWORD=db-password-hunter2')
  })

  it('reports a corrupt state file by name and never overwrites it', async () => {
    const dir = await tempDir()
    const provider = createMockProvider()
    await createEngine({ state: fileState({ dir }) }).up(secretStack(provider))
    const file = join(dir, 'app', 'state.json')
    writeFileSync(file, '{"format":"skyloom-state", this is not json')
    const engine = createEngine({ state: fileState({ dir }) })
    const error = await engine.up(secretStack(provider)).catch((caught: unknown) => caught)
    expect(StateError.isInstance(error)).toBe(true)
    expect((error as Error).message).toContain(file)
    expect((error as Error).message).toContain('left untouched')
    expect(readFileSync(file, 'utf8')).toBe('{"format":"skyloom-state", this is not json')
    // The failed run released its lock.
    expect(readdirSync(join(dir, 'app'))).not.toContain('lock.json')
  })

  it('refuses a state written by a newer schema', async () => {
    const dir = await tempDir()
    const provider = createMockProvider()
    await createEngine({ state: fileState({ dir }) }).up(secretStack(provider))
    const file = join(dir, 'app', 'state.json')
    const data = JSON.parse(readFileSync(file, 'utf8'))
    data.state.schemaVersion = 99
    writeFileSync(file, JSON.stringify(data))
    const error = await createEngine({ state: fileState({ dir }) })
      .readState('app')
      .catch((caught: unknown) => caught)
    expect((error as Error).message).toContain('written by a newer Skyloom (state schema 99')
  })

  it('migrates older schemas step by step', () => {
    const migrations = {
      0: (state: Record<string, unknown>) => ({ ...state, schemaVersion: 1, condemned: [] }),
      1: (state: Record<string, unknown>) => ({ ...state, schemaVersion: 2, migrated: true }),
    }
    expect(migrateState({ schemaVersion: 0 }, 'test', migrations, 2)).toEqual({
      schemaVersion: 2,
      condemned: [],
      migrated: true,
    })
    expect(() => migrateState({ schemaVersion: 0 }, 'test', {}, 1)).toThrow(
      'No migration from state schema 0',
    )
    expect(() => migrateState({}, 'test')).toThrow('no schemaVersion')
  })

  it('rewrites the snapshot once more of its files is dead than live, and keeps every version restorable', async () => {
    const dir = await tempDir()
    const provider = createMockProvider()
    const engine = createEngine({ state: fileState({ dir }) })
    const nets = (count: number) => {
      const stack = createStack('app', { provider })
      for (let index = 0; index < count; index++) {
        stack.add(network(`net-${index}`, { cidr: `10.${index}.0.0/16` }))
      }
      return stack
    }
    const snapshotVersion = () =>
      (JSON.parse(readFileSync(join(dir, 'app', 'state.json'), 'utf8')) as { state: { version: number } })
        .state.version
    const journalBytes = () => readFileSync(join(dir, 'app', 'journal.ndjson'), 'utf8').length

    // Creating resources only adds live lines: the journal is as compact as a rewritten snapshot
    // would be, so the empty snapshot stays.
    await engine.up(nets(20))
    const empty = snapshotVersion()
    expect(Object.keys((await engine.readState('app'))!.resources)).toHaveLength(20)
    expect(journalBytes()).toBeGreaterThan(0)
    await engine.up(nets(21))
    const second = (await engine.readState('app'))!
    expect(Object.keys(second.resources)).toHaveLength(21)
    expect(snapshotVersion()).toBe(empty)

    // Deleting 16 of the 21 leaves most of the journal dead. A fresh store, which counts from the
    // files, sees it too: the snapshot is rewritten and the journal replaced.
    const fresh = createEngine({ state: fileState({ dir }) })
    await fresh.up(nets(5))
    const shrunk = (await fresh.readState('app'))!
    expect(Object.keys(shrunk.resources)).toHaveLength(5)
    expect(snapshotVersion()).toBe(shrunk.version)
    expect(journalBytes()).toBe(0)

    // A small change to it stays in the journal.
    await fresh.up(nets(6))
    expect(snapshotVersion()).toBe(shrunk.version)
    expect(journalBytes()).toBeGreaterThan(0)

    // Every saved version reads back whole, whether it was a snapshot or a snapshot plus journal,
    // also after the journal it was saved with was replaced; a fresh store reads them too.
    const history = await engine.history('app')
    expect(history.map((entry) => entry.resources)).toEqual([6, 5, 21, 20])
    const store = fileState({ dir })
    for (const entry of history) {
      const saved = await store.snapshot('app', entry.version)
      expect(saved.version).toBe(entry.version)
      expect(Object.keys(saved.resources)).toHaveLength(entry.resources)
    }
    // A restore writes a whole state into the journal: the snapshot is rewritten at once.
    const restored = await engine.restore('app', second.version)
    expect(Object.keys(restored.resources).sort()).toEqual(Object.keys(second.resources).sort())
    expect(snapshotVersion()).toBe(restored.version)
    expect(journalBytes()).toBe(0)
  })

  it('keeps the state it read for the next read, never past a write by anyone else', async () => {
    const dir = await tempDir()
    const provider = createMockProvider()
    const store = fileState({ dir })
    const stackOf = (count: number) => {
      const stack = createStack('app', { provider })
      for (let index = 0; index < count; index++) {
        stack.add(network(`net-${index}`, { cidr: `10.${index}.0.0/16` }))
      }
      return stack
    }
    await createEngine({ state: store }).up(stackOf(1))
    const first = (await store.read('app'))!
    // What a caller does to the maps it was given does not reach the next reader.
    delete (first.resources as Record<string, unknown>)['app/network/net-0']
    expect(Object.keys((await store.read('app'))!.resources)).toEqual(['app/network/net-0'])
    // Another store (another process) applies: this store's next read sees it, journal or snapshot.
    await createEngine({ state: fileState({ dir }) }).up(stackOf(2))
    expect(Object.keys((await store.read('app'))!.resources)).toHaveLength(2)
    await createEngine({ state: fileState({ dir }) }).up(stackOf(40))
    expect(Object.keys((await store.read('app'))!.resources)).toHaveLength(40)
  })

  it('ignores a torn last journal line and keeps appending after it', async () => {
    const dir = await tempDir()
    const store = fileState({ dir })
    const provider = createMockProvider()
    const engine = createEngine({ state: store })
    const stack = createStack('app', { provider })
    stack.add(network('net', { cidr: '10.0.0.0/16' }))
    const plan = await engine.plan(stack)
    await engine.apply(plan)
    // Simulate a crash mid-write: half an entry, no newline.
    await appendFile(join(dir, 'app', 'journal.ndjson'), '{"v":99,"at":"2026-')
    const reader = createEngine({ state: fileState({ dir }) })
    const state = (await reader.readState('app'))!
    expect(Object.keys(state.resources)).toEqual(['app/network/net'])
    stack.add(network('more', { cidr: '10.1.0.0/16' }))
    const result = await reader.up(stack)
    expect(result.ok).toBe(true)
    expect(
      Object.keys((await createEngine({ state: fileState({ dir }) }).readState('app'))!.resources).sort(),
    ).toEqual(['app/network/more', 'app/network/net'])
  })

  it('refuses a damaged line in the middle of the journal, naming the file and line', async () => {
    const dir = await tempDir()
    const store = fileState({ dir })
    const stack = createStack('app', { provider: createMockProvider() })
    stack.add(network('net', { cidr: '10.0.0.0/16' }))
    // Write journal entries without compaction, by appending through the store.
    const initial = {
      schemaVersion: 1,
      stack: 'app',
      version: 0,
      salt: 's',
      resources: {},
      condemned: [],
      pending: {},
      updatedAt: '',
    }
    // Under the stack's lock, as the engine writes: releasing it closes the journal.
    const lock = await store.lock('app', {
      owner: 'test',
      operation: 'apply',
      leaseMs: 60_000,
      waitMs: 0,
      clock: systemClock,
    })
    await store.append('app', [{ v: 1, at: 'x', type: 'resolve', key: 'k1' }], initial)
    await store.append('app', [{ v: 2, at: 'x', type: 'resolve', key: 'k2' }], initial)
    await lock.release()
    const journal = join(dir, 'app', 'journal.ndjson')
    const lines = (await readFile(journal, 'utf8')).split('\n')
    lines[0] = '{garbage'
    await writeFile(journal, lines.join('\n'))
    const error = await fileState({ dir })
      .read('app')
      .catch((caught: unknown) => caught)
    expect((error as Error).message).toContain(`${journal}:1 is not valid JSON`)
  })

  it('breaks the lock of a dead process and reports a live holder', async () => {
    const dir = await tempDir()
    const store = fileState({ dir })
    const request = { owner: 'me', operation: 'apply', leaseMs: 60_000, waitMs: 0, clock: systemClock }
    const held = await store.lock('app', request)
    const error = await store
      .lock('app', { ...request, owner: 'someone else' })
      .catch((caught: unknown) => caught)
    expect(LockError.isInstance(error)).toBe(true)
    expect((error as LockError).holder).toMatchObject({
      owner: 'me',
      pid: process.pid,
      host: hostname(),
      operation: 'apply',
    })
    await held.release()
    // A lock left by a process that no longer exists on this host is stale.
    await writeFile(
      join(dir, 'app', 'lock.json'),
      JSON.stringify({
        owner: 'ghost',
        host: hostname(),
        pid: 2 ** 22 + 7,
        operation: 'apply',
        acquiredAt: '',
        leaseUntil: '2999-01-01T00:00:00.000Z',
        token: 't',
      }),
    )
    const broken: string[] = []
    const lock = await store.lock('app', { ...request, onStale: (holder) => broken.push(holder.owner) })
    expect(broken).toEqual(['ghost'])
    await lock.release()
    // An expired lease is stale too, even from another host.
    await writeFile(
      join(dir, 'app', 'lock.json'),
      JSON.stringify({
        owner: 'far',
        host: 'elsewhere',
        pid: 1,
        operation: 'apply',
        acquiredAt: '',
        leaseUntil: '2000-01-01T00:00:00.000Z',
        token: 't',
      }),
    )
    await (await store.lock('app', request)).release()
    // Lock files are not synced: a power cut can leave one empty, and an empty lock is broken.
    await writeFile(join(dir, 'app', 'lock.json'), '')
    await (await store.lock('app', request)).release()
    // forceUnlock breaks a live one.
    await store.lock('app', request)
    expect(await store.forceUnlock('app')).toMatchObject({ owner: 'me' })
    await (await store.lock('app', request)).release()
  })

  it('waits for a lock up to the timeout, then names the holder', async () => {
    const store = memoryState()
    const request = { owner: 'first', operation: 'apply', leaseMs: 60_000, waitMs: 0, clock: systemClock }
    const held = await store.lock('app', request)
    const waits: string[] = []
    const started = Date.now()
    const error = await store
      .lock('app', {
        ...request,
        owner: 'second',
        waitMs: 700,
        onWait: (holder) => waits.push(holder?.owner ?? '?'),
      })
      .catch((caught: unknown) => caught)
    expect(Date.now() - started).toBeGreaterThanOrEqual(650)
    expect(waits).toEqual(['first'])
    expect((error as Error).message).toContain('Waited 1 s')
    setTimeout(() => void held.release(), 100)
    await (await store.lock('app', { ...request, owner: 'third', waitMs: 2_000 })).release()
  })
})

describe('Fragmentation (when the file store rewrites its snapshot)', () => {
  const at = '2026-01-01T00:00:00.000Z'
  const resource = (urn: string) =>
    ({
      urn,
      kind: 'network',
      name: urn.split('/')[2]!,
      provider: 'mock',
      id: `id-${urn}`,
      props: {},
      outputs: {},
      dependencies: [],
      status: 'ready',
      createdAt: at,
      updatedAt: at,
    }) as const
  const intent = (key: string, urn: string, props?: Record<string, unknown>) =>
    ({
      type: 'intent',
      v: 1,
      at,
      intent: { key, urn, kind: 'network', provider: 'mock', operation: 'create', startedAt: at, props },
    }) as const
  const put = (urn: string, resolves?: string) =>
    ({ type: 'put', v: 2, at, resource: resource(urn), resolves }) as const

  it('keeps a journal that only adds resources, however long', () => {
    const counted = new Fragmentation([])
    for (let index = 0; index < 1000; index++) {
      counted.add(intent(`k${index}`, `app/network/n${index}`, { cidr: 'x' }), 300)
      counted.add(put(`app/network/n${index}`, `k${index}`), 200)
    }
    // The empty snapshot (272 bytes) is all dead; 500,000 characters are live.
    expect(counted.shouldRewrite(272)).toBe(false)
  })

  it('rewrites once deletes leave more dead than live', () => {
    const counted = new Fragmentation([])
    for (const name of ['a', 'b', 'c']) {
      counted.add(intent(`k-${name}`, `app/network/${name}`, {}), 300)
      counted.add(put(`app/network/${name}`, `k-${name}`), 200)
    }
    counted.add({ type: 'delete', v: 7, at, urn: 'app/network/a' }, 80)
    expect(counted.shouldRewrite(272)).toBe(false)
    counted.add({ type: 'delete', v: 8, at, urn: 'app/network/b' }, 80)
    expect(counted.shouldRewrite(272)).toBe(true)
  })

  it('counts the snapshot live until its resources are superseded', () => {
    const counted = new Fragmentation(['app/network/a', 'app/network/b'])
    // An update of one of two: half the 1,000-byte snapshot is dead, its new version live.
    counted.add(
      { type: 'intent', v: 1, at, intent: { ...intent('u1', 'app/network/a').intent, operation: 'update' } },
      100,
    )
    counted.add(put('app/network/a', 'u1'), 400)
    expect(counted.shouldRewrite(1000)).toBe(false)
    counted.add(
      { type: 'intent', v: 3, at, intent: { ...intent('u2', 'app/network/b').intent, operation: 'update' } },
      100,
    )
    counted.add(put('app/network/b', 'u2'), 400)
    expect(counted.shouldRewrite(1000)).toBe(true)
  })

  it('counts a restore and everything before it dead', () => {
    const counted = new Fragmentation(['app/network/a'])
    counted.add({ type: 'restore', v: 1, at, from: 1, state: {} as never }, 50)
    expect(counted.shouldRewrite(1000)).toBe(true)
  })
})
