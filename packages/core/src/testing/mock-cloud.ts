import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'

/** One resource as the mock cloud stores it. */
export interface MockCloudResource {
  readonly id: string
  readonly kind: string
  props: Record<string, unknown>
  outputs: Record<string, unknown>
  tags: Record<string, string>
  /** Idempotency key of the create that made it. */
  readonly createdWith: string
}

interface CloudData {
  counter: number
  resources: Record<string, MockCloudResource>
}

/**
 * The mock provider's "cloud": in memory, or in a JSON file so that a cloud outlives the
 * process that talks to it (crash tests kill the client, not the cloud). File writes are
 * atomic: a killed process leaves the previous or the next version, never half of one.
 */
export class MockCloud {
  readonly #file: string | undefined
  #data: CloudData

  constructor(options: { file?: string } = {}) {
    this.#file = options.file
    this.#data = this.#load()
  }

  #load(): CloudData {
    if (this.#file && existsSync(this.#file)) return JSON.parse(readFileSync(this.#file, 'utf8')) as CloudData
    return { counter: 0, resources: {} }
  }

  #save(): void {
    if (!this.#file) return
    const temp = `${this.#file}.${process.pid}.tmp`
    writeFileSync(temp, JSON.stringify(this.#data))
    renameSync(temp, this.#file)
  }

  /** Re-reads the file (another process may have changed it). */
  refresh(): void {
    if (this.#file) this.#data = this.#load()
  }

  nextId(prefix: string): string {
    this.#data.counter++
    return `${prefix}-${this.#data.counter.toString(16).padStart(6, '0')}`
  }

  get(id: string): MockCloudResource | undefined {
    return this.#data.resources[id]
  }

  all(): MockCloudResource[] {
    return Object.values(this.#data.resources)
  }

  put(resource: MockCloudResource): void {
    this.#data.resources[resource.id] = resource
    this.#save()
  }

  remove(id: string): boolean {
    const existed = id in this.#data.resources
    delete this.#data.resources[id]
    this.#save()
    return existed
  }

  /** Changes a resource behind Skyloom's back, as a console user would (for drift tests). */
  mutate(id: string, change: { props?: Record<string, unknown>; tags?: Record<string, string> }): void {
    const resource = this.#data.resources[id]
    if (!resource) throw new Error(`mock cloud has no resource ${id}`)
    if (change.props) resource.props = { ...resource.props, ...change.props }
    if (change.tags) resource.tags = { ...resource.tags, ...change.tags }
    this.#save()
  }
}
