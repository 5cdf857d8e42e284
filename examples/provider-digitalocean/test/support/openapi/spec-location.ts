import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** The DigitalOcean OpenAPI description, relative to the repository root (never copied in). */
const SPEC_FROM_REPO = '../shared/specs/digitalocean/specification'
const ROOT_FILE = 'DigitalOcean-public.v2.yaml'

/** The workspace root: the nearest folder above this file that holds pnpm-workspace.yaml. */
export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url))
  for (;;) {
    if (existsSync(path.join(dir, 'pnpm-workspace.yaml'))) return dir
    const parent = path.dirname(dir)
    if (parent === dir) throw new Error(`no pnpm-workspace.yaml above ${fileURLToPath(import.meta.url)}`)
    dir = parent
  }
}

export type SpecLocation = { ok: true; dir: string; rootFile: string } | { ok: false; reason: string }

/** Where DigitalOcean's published OpenAPI description is, or why it is not there. */
export function locateSpec(root = repoRoot()): SpecLocation {
  const dir = path.resolve(root, SPEC_FROM_REPO)
  const rootFile = path.join(dir, ROOT_FILE)
  if (!existsSync(rootFile)) {
    return {
      ok: false,
      reason: `DigitalOcean's OpenAPI description is not at ${rootFile} (expected at ${SPEC_FROM_REPO} from the repository root, beside the clone). Tests that validate against it are SKIPPED.`,
    }
  }
  return { ok: true, dir, rootFile }
}

/** Locates the description and prints a loud notice when it is missing (tests then skip). */
export function locateSpecOrWarn(root?: string): SpecLocation {
  const location = locateSpec(root)
  if (!location.ok) {
    const bar = '!'.repeat(100)
    console.warn(`\n${bar}\n!! SKIPPING OpenAPI conformance tests: ${location.reason}\n${bar}\n`)
  }
  return location
}
