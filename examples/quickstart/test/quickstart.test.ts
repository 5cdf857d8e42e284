import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const here = dirname(fileURLToPath(import.meta.url))
const run = promisify(execFile)

describe('the quickstart (pnpm start)', () => {
  it('plans, applies, scales, repairs drift and destroys, then exits 0', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', '--conditions=@skyloom/source', join(here, '../src/main.ts')],
      {
        cwd: join(here, '../../..'),
        env: { ...process.env, NO_COLOR: '1' },
      },
    )
    expect(stdout).toContain('9 to create, 0 to update, 0 to replace, 0 to delete.')
    expect(stdout).toMatch(/Monthly cost: \$0\.00 -> \$\d+\.\d\d/)
    expect(stdout).toMatch(/Applied 9 steps in/)
    const report = /Report: (\S+\.html)/.exec(stdout)?.[1]
    expect(report).toBeDefined()
    const html = await readFile(report!, 'utf8')
    expect(html).toContain('<html')
    expect(html).toContain('quickstart/instance/db')
    expect(stdout).toContain('2 to create, 0 to update, 0 to replace, 0 to delete.')
    expect(stdout).toContain('Drift on quickstart/instance/web-1: tags')
    expect(stdout).toContain('0 to create, 1 to update, 0 to replace, 0 to delete.')
    expect(stdout).toContain('11 resources to delete.')
    expect(stdout).toContain('Resources left in the cloud: 0.')
    // The database's user data is secret: it never shows.
    expect(stdout).not.toContain('correct-horse')
  }, 60_000)
})
