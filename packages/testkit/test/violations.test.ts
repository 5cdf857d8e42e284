import { execFileSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { ContractViolation, RULES } from '../src/index.js'

const here = dirname(fileURLToPath(import.meta.url))
const repoRoot = join(here, '../../..')

describe('failures name the contract rule and the fix', () => {
  it('runs the kit on a broken provider and reports each broken rule with its advice', () => {
    let output = ''
    try {
      output = execFileSync(
        process.execPath,
        [
          join(repoRoot, 'node_modules/vitest/vitest.mjs'),
          'run',
          '--root',
          join(here, 'fixtures'),
          '--config',
          join(here, 'fixtures/vitest.config.ts'),
        ],
        {
          cwd: repoRoot,
          encoding: 'utf8',
          env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
          stdio: 'pipe',
        },
      )
    } catch (error) {
      // The run is expected to fail: the provider is broken on purpose.
      output = `${(error as { stdout?: string }).stdout ?? ''}${(error as { stderr?: string }).stderr ?? ''}`
    }
    // Its reads drop the tags: once the cloud's word is taken (import), plans want them back.
    expect(output).toMatch(/Contract rule K6-import broken: after importing net-\w+, the plan proposes:/)
    expect(output).toContain('tags: {} -> { team: "a" }')
    expect(output).toContain(`Rule: ${RULES['K6-import']}`)
    // It declares no expected duration.
    expect(output).toContain(
      'Contract rule L2-durations broken: kind "network" declares no operations.create.expectedMs',
    )
    expect(output).toMatch(/Contract rule I1-idempotency broken: the same key gave net-\w+, then net-\w+/)
  }, 60_000)

  it('exposes violations as typed errors', () => {
    const violation = new ContractViolation('K9-delete', 'i-1 still reads after its delete')
    expect(ContractViolation.isInstance(violation)).toBe(true)
    expect(violation.rule).toBe('K9-delete')
    expect(violation.message).toContain('After delete, reading the id returns nothing')
  })
})
