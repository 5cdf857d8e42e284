import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ApplyResult, Plan } from '@skyloom/core'
import { describe, expect, it } from 'vitest'
import { type ApplyReportInput, writeApplyReport } from '../src/apply-report.js'
import { findApplyReportRenderer } from '../src/index.js'

describe('apply report adapter', () => {
  it('finds the core renderer only when the core exports one', () => {
    const renderer = findApplyReportRenderer()
    expect(renderer === undefined || typeof renderer === 'function').toBe(true)
  })

  it('hands plan, result and events to the renderer and writes its HTML, making the directory', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'skyloom-report-')), 'nested', 'report.html')
    let received: ApplyReportInput | undefined
    const plan = { stack: 'web' } as unknown as Plan
    const result = { stack: 'web', ok: true } as unknown as ApplyResult
    await writeApplyReport(
      (input) => {
        received = input
        return '<!doctype html><title>report</title>'
      },
      file,
      { plan, result, events: [] },
    )
    expect(received?.plan).toBe(plan)
    expect(received?.result).toBe(result)
    expect(readFileSync(file, 'utf8')).toBe('<!doctype html><title>report</title>')
  })
})
