import { mkdir, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { ApplyResult, EngineEvent, Plan } from '@skyloom/core'
import * as core from '@skyloom/core'

/** What the core's apply report renderer takes. */
export interface ApplyReportInput {
  readonly plan: Plan
  readonly result: ApplyResult
  readonly events: readonly EngineEvent[]
}

/** The core's `renderApplyReport`: one self-contained HTML page (timeline, critical path, graph, summary). */
export type ApplyReportRenderer = (input: ApplyReportInput) => string

/**
 * The apply report renderer of the installed @skyloom/core, if it has one. The renderer lives
 * in the core (embedders use it too); the CLI never draws reports itself. Looked up at run
 * time so that this CLI works with a core from before the renderer existed.
 */
export function findApplyReportRenderer(): ApplyReportRenderer | undefined {
  const candidate: unknown = (core as Readonly<Record<string, unknown>>).renderApplyReport
  return typeof candidate === 'function' ? (candidate as ApplyReportRenderer) : undefined
}

/** Renders the report and writes it to `file` (absolute), making its directory. */
export async function writeApplyReport(
  renderer: ApplyReportRenderer,
  file: string,
  input: ApplyReportInput,
): Promise<void> {
  const html = renderer(input)
  await mkdir(dirname(file), { recursive: true })
  await writeFile(file, html, 'utf8')
}
