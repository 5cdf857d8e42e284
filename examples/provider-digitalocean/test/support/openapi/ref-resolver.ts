import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'

/** Keys whose content is documentation only; their `$ref`s point at example files not worth loading. */
const SKIPPED_KEYS = new Set(['example', 'examples', 'x-codeSamples'])

/**
 * Resolves `$ref`s across the files of a multi-file OpenAPI description. DigitalOcean's is split
 * into hundreds of YAML files that refer to each other with relative paths and JSON pointers
 * (`../../shared/responses/not_found.yml`, `models/vpc.yml#/vpc_base`, `#/page_links`).
 *
 * Written here rather than taken from a library: the whole job is "read YAML, follow relative
 * refs with pointers, memoize, survive cycles", about eighty lines, and the libraries that do it
 * (json-schema-ref-parser and friends) bring dependencies and a bundling model that a test helper
 * does not need.
 */
export class RefResolver {
  readonly #files = new Map<string, unknown>()
  readonly #resolved = new Map<string, unknown>()

  /** Parses a YAML file once. */
  load(file: string): unknown {
    const absolute = path.resolve(file)
    let document = this.#files.get(absolute)
    if (document === undefined) {
      document = parse(readFileSync(absolute, 'utf8'), { maxAliasCount: -1 }) as unknown
      this.#files.set(absolute, document)
    }
    return document
  }

  /** Number of YAML files read so far. */
  get fileCount(): number {
    return this.#files.size
  }

  /**
   * `node` (found in `file`) with every `$ref` inside it replaced by its target, recursively.
   * Targets are shared, so a recursive schema becomes a cyclic object graph, not an endless one.
   */
  deref(node: unknown, file: string): unknown {
    if (Array.isArray(node)) return node.map((item) => this.deref(item, file))
    if (!isRecord(node)) return node
    if (typeof node.$ref === 'string') return this.#follow(node.$ref, file)
    const out: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(node)) {
      if (SKIPPED_KEYS.has(key)) continue
      out[key] = this.deref(value, file)
    }
    return out
  }

  #follow(ref: string, fromFile: string): unknown {
    const hash = ref.indexOf('#')
    const filePart = hash < 0 ? ref : ref.slice(0, hash)
    const pointer = hash < 0 ? '' : ref.slice(hash + 1)
    const target = filePart === '' ? path.resolve(fromFile) : path.resolve(path.dirname(fromFile), filePart)
    const key = `${target}#${pointer}`
    if (this.#resolved.has(key)) return this.#resolved.get(key)
    const raw = pointAt(this.load(target), pointer, key)
    if (!isRecord(raw) || typeof raw.$ref === 'string') {
      const value = this.deref(raw, target)
      this.#resolved.set(key, value)
      return value
    }
    // Register the object before filling it, so that a cycle finds it instead of recursing.
    const placeholder: Record<string, unknown> = {}
    this.#resolved.set(key, placeholder)
    Object.assign(placeholder, this.deref(raw, target))
    return placeholder
  }
}

function pointAt(document: unknown, pointer: string, where: string): unknown {
  if (pointer === '' || pointer === '/') return document
  let node = document
  for (const raw of pointer.replace(/^\//, '').split('/')) {
    const part = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~')
    if (!isRecord(node) && !Array.isArray(node))
      throw new Error(`$ref ${where}: "${part}" is not inside an object`)
    node = (node as Record<string, unknown>)[part]
    if (node === undefined) throw new Error(`$ref ${where}: nothing at "${part}"`)
  }
  return node
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
