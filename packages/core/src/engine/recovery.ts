import { ProviderError } from '../errors/provider-error.js'
import { StateError } from '../errors/state-error.js'
import { ownershipOf } from '../model/ownership.js'
import type { NormalizedProvider } from '../provider/normalize.js'
import type { PendingIntent, ResourceState } from '../state/types.js'
import { type ContextDeps, mutationContext, operationContext } from './contexts.js'
import type { Session } from './session.js'
import { sealSecrets } from './values.js'

export interface RecoveryDeps extends ContextDeps {
  readonly session: Session
  readonly providers: ReadonlyMap<string, NormalizedProvider>
  readonly operationId: string
}

/**
 * Resolves the intents a crashed run left behind, before anything is planned: a create is
 * looked up by idempotency key and ownership tags, and what exists is adopted (extra copies,
 * which only a provider ignoring idempotency keys could make, are deleted); an update or
 * delete is checked by reading the resource. Nothing is re-created blindly, nothing orphaned.
 */
export async function recoverPending(deps: RecoveryDeps): Promise<void> {
  const { session } = deps
  const intents = Object.values(session.state.pending).sort((a, b) => (a.startedAt < b.startedAt ? -1 : 1))
  for (const intent of intents) {
    const provider = deps.providers.get(intent.provider)
    const handler = provider?.kinds.get(intent.kind)
    if (!provider || !handler) {
      throw new StateError(
        `A ${intent.operation} of ${intent.urn} was interrupted, and its provider "${intent.provider}" (kind ${intent.kind}) is not configured on this stack, so Skyloom cannot check what exists. Add that provider to createStack(..., { providers: [...] }) and run again.`,
      )
    }
    const signal = session.signal
    const context = operationContext(deps, provider, intent.urn, signal, undefined)
    const emit = (
      resolution:
        | 'adopted'
        | 'absent'
        | 'deleted-duplicate'
        | 'confirmed-gone'
        | 'still-present'
        | 'refreshed',
      id?: string,
    ) =>
      deps.events.emit({
        type: 'intent-resolved',
        stack: session.stack,
        operationId: deps.operationId,
        urn: intent.urn,
        intent: intent.key,
        resolution,
        ...(id ? { id } : {}),
      })
    const call = <T>(operation: string, scopeOf: 'read' | 'find' | 'delete', fn: () => Promise<T>) =>
      deps.calls.call(
        { provider, scope: handler.traits(scopeOf).scope, operation, urn: intent.urn, priority: 0, signal },
        fn,
      )

    if (intent.operation === 'create') {
      if (!handler.canFind) {
        throw new StateError(
          `A create of ${intent.urn} was interrupted and provider "${provider.key}" cannot find resources by ownership tags (no find or list), so Skyloom cannot tell whether it exists. Check the cloud for a ${intent.kind} tagged skyloom-urn=${intent.urn}; then import it, or drop the intent.`,
        )
      }
      const lookup = () =>
        call('find', 'find', () =>
          handler.find(
            { idempotencyKey: intent.key, ownership: ownershipOf(session.stack, intent.urn) },
            context,
          ),
        )
      let found = await lookup()
      // Nothing found right after the attempt may be eventual consistency: look again once the
      // provider's consistency window has passed, before concluding nothing was made.
      const settlesAt = Date.parse(intent.startedAt) + provider.consistencyWindowMs
      if (found.length === 0 && deps.clock.now() < settlesAt) {
        await deps.clock.sleep(settlesAt - deps.clock.now(), signal)
        found = await lookup()
      }
      const known = new Set<string>([
        ...(session.state.resources[intent.urn] ? [session.state.resources[intent.urn]!.id] : []),
        ...session.state.condemned.filter((old) => old.urn === intent.urn).map((old) => old.id),
      ])
      const fresh = found.filter((item) => !known.has(item.id))
      const [keep, ...duplicates] = fresh
      if (!keep) {
        await session.record([{ type: 'resolve', key: intent.key }])
        emit('absent')
        continue
      }
      const at = new Date(deps.clock.now()).toISOString()
      const adopted: ResourceState = {
        urn: intent.urn,
        kind: intent.kind,
        name: intent.urn.split('/')[2] ?? intent.urn,
        provider: provider.key,
        id: keep.id,
        props: intent.props ?? sealSecrets(keep.props as Record<string, unknown>, session.state.salt),
        outputs: sealSecrets(keep.outputs, session.state.salt),
        dependencies: intent.dependencies ?? [],
        status: keep.status === 'failed' ? 'tainted' : keep.status === 'pending' ? 'pending' : 'ready',
        createdAt: at,
        updatedAt: at,
      }
      const drafts: Parameters<Session['record']>[0][number][] = []
      // A replacement was under way: the resource in the state is the old one.
      if (session.state.resources[intent.urn]) drafts.push({ type: 'condemn', urn: intent.urn })
      drafts.push({ type: 'put', resource: adopted, resolves: intent.key })
      await session.record(drafts)
      emit('adopted', keep.id)
      for (const duplicate of duplicates) {
        const ctx = mutationContext(
          deps,
          provider,
          intent.urn,
          signal,
          undefined,
          `${intent.key}:dedupe:${duplicate.id}`,
          undefined,
        )
        await call('delete', 'delete', () =>
          handler.delete(
            duplicate.id,
            { props: duplicate.props as Record<string, unknown>, outputs: duplicate.outputs },
            ctx,
          ),
        ).catch((error: unknown) => {
          if (!(ProviderError.isInstance(error) && error.classification === 'not-found')) throw error
        })
        emit('deleted-duplicate', duplicate.id)
      }
      continue
    }

    await resolveByReading(deps, intent, provider, call, emit)
  }
}

async function resolveByReading(
  deps: RecoveryDeps,
  intent: PendingIntent,
  provider: NormalizedProvider,
  call: <T>(operation: string, scopeOf: 'read' | 'find' | 'delete', fn: () => Promise<T>) => Promise<T>,
  emit: (resolution: 'confirmed-gone' | 'still-present' | 'refreshed', id?: string) => void,
): Promise<void> {
  const { session } = deps
  const handler = provider.kinds.get(intent.kind)!
  const id = intent.id!
  const context = operationContext(deps, provider, intent.urn, session.signal, undefined)
  const read = handler.canRead
    ? (await call('read', 'read', () => handler.readMany([id], context))).get(id)
    : undefined
  const condemned = session.state.condemned.find((old) => old.urn === intent.urn && old.id === id)
  const current = session.state.resources[intent.urn]
  if (!read && handler.canRead) {
    if (condemned) await session.record([{ type: 'release', urn: intent.urn, id, resolves: intent.key }])
    else if (current?.id === id)
      await session.record([{ type: 'delete', urn: intent.urn, resolves: intent.key }])
    else await session.record([{ type: 'resolve', key: intent.key }])
    emit('confirmed-gone', id)
    return
  }
  if (intent.operation === 'update' && read && current?.id === id) {
    // Outputs are refreshed; props stay as last recorded, so the next plan repeats the update if needed.
    await session.record([
      {
        type: 'put',
        resource: {
          ...current,
          outputs: sealSecrets(read.outputs, session.state.salt),
          updatedAt: new Date(deps.clock.now()).toISOString(),
        },
        resolves: intent.key,
      },
    ])
    emit('refreshed', id)
    return
  }
  await session.record([{ type: 'resolve', key: intent.key }])
  emit('still-present', id)
}
