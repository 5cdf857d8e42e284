import { describe, expect, it } from 'vitest'
import { fixture, skyloom, workDir } from './helpers.js'

const web = fixture('web.ts')

describe('skyloom graph', () => {
  it('prints the plan as a Mermaid flowchart by default', async () => {
    const { code, stdout, stderr } = await skyloom(workDir(), ['graph', web])
    expect(code).toBe(0)
    expect(stderr).toBe('')
    const lines = stdout.trimEnd().split('\n')
    expect(lines[0]).toBe('flowchart LR')
    expect(lines).toContain('  s0["create network/net"]:::create')
    expect(lines).toContain('  s0 --> s1')
    expect(lines.filter((line) => line.includes('-->'))).toHaveLength(6)
  })

  it('prints Graphviz DOT with --format dot', async () => {
    const { code, stdout } = await skyloom(workDir(), ['graph', web, '--format', 'dot'])
    expect(code).toBe(0)
    expect(stdout).toMatch(/^digraph "web" \{/)
    expect(stdout).toContain('"create:web/network/net" -> "create:web/subnet/a";')
    expect(stdout.trimEnd().endsWith('}')).toBe(true)
  })

  it('graphs only what would change, or the whole stack with --all', async () => {
    const cwd = workDir()
    await skyloom(cwd, ['apply', web, '--yes'])
    const empty = await skyloom(cwd, ['graph', web])
    expect(
      empty.stdout
        .trim()
        .split('\n')
        .filter((line) => line.includes('"')),
    ).toEqual([])
    expect(empty.stderr).toContain('use --all')
    const all = await skyloom(cwd, ['graph', web, '--all'])
    expect(all.stdout).toContain('create instance/web-2')
    const destroy = await skyloom(cwd, ['graph', web, '--destroy'])
    expect(destroy.stdout).toContain('delete network/net')
  })

  it('rejects an unknown format', async () => {
    const { code, stderr } = await skyloom(workDir(), ['graph', web, '--format', 'svg'])
    expect(code).toBe(2)
    expect(stderr).toContain('--format must be one of mermaid, dot, not "svg".')
  })
})
