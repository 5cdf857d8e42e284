import { z } from 'zod'

const record = z.record(z.string(), z.unknown())

const resourceSchema = z.object({
  urn: z.string(),
  kind: z.string(),
  name: z.string(),
  provider: z.string(),
  id: z.string(),
  props: record,
  outputs: record,
  dependencies: z.array(z.string()),
  status: z.enum(['ready', 'pending', 'tainted']),
  protect: z.boolean().optional(),
  retainOnDelete: z.boolean().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
})

const intentSchema = z.object({
  key: z.string(),
  urn: z.string(),
  kind: z.string(),
  provider: z.string(),
  operation: z.enum(['create', 'update', 'delete']),
  id: z.string().optional(),
  props: record.optional(),
  dependencies: z.array(z.string()).optional(),
  startedAt: z.string(),
})

/** The state part of a snapshot file, as stored (secrets sealed). */
export const storedStateSchema = z.object({
  schemaVersion: z.number().int(),
  stack: z.string(),
  version: z.number().int().min(0),
  salt: z.string(),
  resources: z.record(z.string(), resourceSchema),
  condemned: z.array(resourceSchema),
  pending: z.record(z.string(), intentSchema),
  updatedAt: z.string(),
})

/** A snapshot file: the state plus what is needed to read it. */
export const snapshotFileSchema = z.object({
  format: z.literal('skyloom-state'),
  schemaVersion: z.number().int(),
  savedAt: z.string(),
  operation: z.string(),
  encryption: z
    .object({ kdf: z.enum(['scrypt', 'provider']), salt: z.string().optional(), check: z.string() })
    .optional(),
  state: z.unknown(),
})

const base = { v: z.number().int().min(1), at: z.string() }

/** One journal line, as stored. */
export const journalEntrySchema = z.discriminatedUnion('type', [
  z.object({ ...base, type: z.literal('begin'), operation: z.string(), operationId: z.string() }),
  // A journal's intent may leave startedAt out: it is the line's own time.
  z.object({ ...base, type: z.literal('intent'), intent: intentSchema.partial({ startedAt: true }) }),
  z.object({
    ...base,
    type: z.literal('put'),
    // With `inherits`, what the resolved intent says (urn, kind, provider, props,
    // dependencies) and the line's time are left out of the resource.
    resource: resourceSchema.partial().required({ id: true, outputs: true, status: true }),
    resolves: z.string().optional(),
    inherits: z.literal(true).optional(),
  }),
  z.object({ ...base, type: z.literal('delete'), urn: z.string(), resolves: z.string().optional() }),
  z.object({ ...base, type: z.literal('condemn'), urn: z.string() }),
  z.object({
    ...base,
    type: z.literal('release'),
    urn: z.string(),
    id: z.string(),
    resolves: z.string().optional(),
  }),
  z.object({ ...base, type: z.literal('resolve'), key: z.string() }),
  z.object({ ...base, type: z.literal('restore'), from: z.number().int(), state: storedStateSchema }),
])
