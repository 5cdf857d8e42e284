import type { MutationContext, ResourceHandlerV1 } from '@skyloom/core/provider'

/** One resource to create: its props and the context the engine would pass. */
export interface CreateItem<P> {
  readonly props: P
  readonly ctx: MutationContext
}

export interface Created<O> {
  readonly id: string
  readonly outputs: O
}

export interface WaitOptions {
  /** Pause between poll rounds. */
  readonly intervalMs: number
  /** Give up after this many rounds. */
  readonly maxRounds?: number
  /** Creates in flight at once (the engine's scope concurrency); default all. */
  readonly concurrency?: number
}

async function inParallel<T, R>(
  items: readonly T[],
  limit: number,
  run: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await run(items[index]!)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker))
  return results
}

/**
 * What the engine does for a set of creates of one kind (until it exists): run the creates,
 * then poll everything not yet ready with one `readMany` per round, in batches of the
 * handler's `readBatchSize`. Returns the results and the number of poll rounds.
 */
export async function createAndWait<P, O>(
  handler: ResourceHandlerV1<P, O>,
  items: readonly CreateItem<P>[],
  options: WaitOptions,
): Promise<{ created: Created<O>[]; rounds: number }> {
  const results = await inParallel(items, options.concurrency ?? items.length, (item) =>
    handler.create(item.props, item.ctx),
  )
  const created: Created<O>[] = results.map((result) => ({ id: result.id, outputs: result.outputs }))
  const waiting = new Map<string, number>()
  results.forEach((result, index) => {
    if (result.ready === false) waiting.set(result.id, index)
  })
  const batch = handler.readBatchSize ?? 1
  const readMany = handler.readMany?.bind(handler)
  if (!readMany) throw new Error('handler has no readMany')
  let rounds = 0
  while (waiting.size > 0) {
    if (rounds >= (options.maxRounds ?? 1_000)) throw new Error(`still waiting for ${waiting.size} resources`)
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs))
    rounds++
    const ids = [...waiting.keys()]
    for (let start = 0; start < ids.length; start += batch) {
      const slice = ids.slice(start, start + batch)
      const ctx = items[waiting.get(slice[0]!)!]!.ctx
      const observed = await readMany(slice, ctx)
      for (const id of slice) {
        const result = observed.get(id)
        if (!result) throw new Error(`${id} disappeared while waiting for it`)
        if (result.status === 'failed') throw new Error(`${id} failed: ${result.message}`)
        if (result.status === 'pending') continue
        const index = waiting.get(id)!
        created[index] = { id, outputs: result.outputs }
        waiting.delete(id)
      }
    }
  }
  return { created, rounds }
}

/**
 * What a per-resource walker does: for each resource, create it and poll it alone until it is
 * ready. The comparison baseline of the benchmark.
 */
export async function createAndWaitEach<P, O>(
  handler: ResourceHandlerV1<P, O>,
  items: readonly CreateItem<P>[],
  options: WaitOptions,
): Promise<{ created: Created<O>[]; rounds: number }> {
  let rounds = 0
  const created = await inParallel(items, options.concurrency ?? items.length, async (item) => {
    const result = await handler.create(item.props, item.ctx)
    let outputs = result.outputs
    let ready = result.ready !== false
    while (!ready) {
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs))
      rounds++
      const observed = (await handler.readMany!([result.id], item.ctx)).get(result.id)
      if (!observed) throw new Error(`${result.id} disappeared while waiting for it`)
      ready = observed.status !== 'pending'
      outputs = observed.outputs
    }
    return { id: result.id, outputs }
  })
  return { created, rounds }
}
