import type { FieldDrift } from '../events/types.js'
import { isSecret, Secret } from '../model/secret.js'
import type { NormalizedProvider } from '../provider/normalize.js'
import type { ResourceState } from '../state/types.js'
import { type ContextDeps, operationContext } from './contexts.js'
import type { Session } from './session.js'
import type { ResourceDrift } from './types.js'
import { observedEquals, sealSecrets } from './values.js'

export interface RefreshDeps extends ContextDeps {
  readonly session: Session
  readonly providers: ReadonlyMap<string, NormalizedProvider>
  readonly operationId: string
}

/**
 * Reads resources from their clouds (batched: one readMany per batch of a provider and kind)
 * and records what is really there. Props the cloud reports replace the recorded ones, so the
 * next plan proposes to put back what someone changed outside Skyloom; resources gone from
 * the cloud leave the state, so the next plan creates them again.
 */
export async function refreshResources(
  deps: RefreshDeps,
  filter: (resource: ResourceState) => boolean = () => true,
): Promise<ResourceDrift[]> {
  const { session } = deps
  const groups = new Map<string, ResourceState[]>()
  for (const resource of Object.values(session.state.resources)) {
    if (!filter(resource)) continue
    const key = `${resource.provider}\u0000${resource.kind}`
    const list = groups.get(key) ?? []
    list.push(resource)
    groups.set(key, list)
  }
  const report: ResourceDrift[] = []
  await Promise.all(
    [...groups.values()].map(async (resources) => {
      const first = resources[0]!
      const provider = deps.providers.get(first.provider)
      const handler = provider?.kinds.get(first.kind)
      if (!provider || !handler?.canRead) {
        for (const resource of resources)
          report.push({ urn: resource.urn, kind: resource.kind, status: 'unreadable', fields: [] })
        return
      }
      // One batched read of these resources.
      const read = (batch: readonly ResourceState[]) =>
        deps.calls.call(
          {
            provider,
            scope: handler.traits('read').scope,
            operation: 'read',
            priority: 0,
            signal: session.signal,
          },
          () =>
            handler.readMany(
              batch.map((resource) => resource.id),
              operationContext(deps, provider, batch[0]!.urn, session.signal, undefined),
            ),
        )
      const size = handler.readBatchSize
      for (let index = 0; index < resources.length; index += size) {
        const chunk = resources.slice(index, index + size)
        const found = await read(chunk)
        // A miss right after a create or update may be eventual consistency: look again later.
        const window = provider.consistencyWindowMs
        const young = chunk.filter(
          (resource) => !found.has(resource.id) && deps.clock.now() - Date.parse(resource.updatedAt) < window,
        )
        let second: typeof found = new Map()
        if (young.length > 0) {
          const oldest = Math.min(...young.map((resource) => Date.parse(resource.updatedAt)))
          await deps.clock.sleep(Math.max(0, oldest + window - deps.clock.now()), session.signal)
          second = await read(young)
        }
        for (const resource of chunk)
          report.push(await reconcile(deps, resource, found.get(resource.id) ?? second.get(resource.id)))
      }
    }),
  )
  report.sort((a, b) => (a.urn < b.urn ? -1 : 1))
  return report
}

async function reconcile(
  deps: RefreshDeps,
  resource: ResourceState,
  observed:
    | { props: Readonly<Record<string, unknown>>; outputs: Record<string, unknown>; status?: string }
    | undefined,
): Promise<ResourceDrift> {
  const { session } = deps
  const salt = session.state.salt
  if (!observed) {
    await session.record([{ type: 'delete', urn: resource.urn }])
    deps.events.emit({
      type: 'drift-detected',
      stack: session.stack,
      operationId: deps.operationId,
      urn: resource.urn,
      kind: resource.kind,
      drift: 'deleted',
    })
    return { urn: resource.urn, kind: resource.kind, status: 'deleted', fields: [] }
  }
  const fields: FieldDrift[] = []
  const props: Record<string, unknown> = { ...resource.props }
  for (const [key, actual] of Object.entries(observed.props)) {
    // Left out: the provider cannot read it back. null: the cloud no longer has it.
    if (actual === undefined) continue
    const recorded = resource.props[key]
    if (actual === null) {
      if (recorded === undefined) continue
      fields.push({ path: key, recorded, actual: undefined })
      delete props[key]
      continue
    }
    if (observedEquals(recorded, actual, salt)) continue
    fields.push({ path: key, recorded, actual: isSecret(recorded) ? new Secret(actual, true) : actual })
    props[key] = isSecret(recorded) ? sealSecrets(new Secret(actual, true), salt) : actual
  }
  const outputs = sealSecrets(observed.outputs, salt)
  const status: ResourceState['status'] =
    observed.status === 'failed'
      ? 'tainted'
      : observed.status === 'pending'
        ? 'pending'
        : resource.status === 'tainted'
          ? 'tainted'
          : 'ready'
  const outputsChanged = JSON.stringify(outputs) !== JSON.stringify(resource.outputs)
  if (fields.length > 0 || outputsChanged || status !== resource.status) {
    await session.record([
      {
        type: 'put',
        resource: {
          ...resource,
          props,
          outputs,
          status,
          updatedAt: new Date(deps.clock.now()).toISOString(),
        },
      },
    ])
  }
  if (fields.length > 0) {
    deps.events.emit({
      type: 'drift-detected',
      stack: session.stack,
      operationId: deps.operationId,
      urn: resource.urn,
      kind: resource.kind,
      drift: fields,
    })
  }
  return { urn: resource.urn, kind: resource.kind, status: fields.length > 0 ? 'drifted' : 'in-sync', fields }
}
