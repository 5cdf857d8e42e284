import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { COMMANDS } from '../src/commands/index.js'
import { CLI_VERSION } from '../src/index.js'
import { fixture, jsonLines, skyloom, workDir } from './helpers.js'

describe('bad input exits 2 with a clear message', () => {
  it('names the resolved path of a missing module', async () => {
    const cwd = workDir()
    const { code, stdout, stderr } = await skyloom(cwd, ['plan', 'stacks/web.ts'])
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toContain(`No stack module at ${join(cwd, 'stacks', 'web.ts')} (given as "stacks/web.ts")`)
  })

  it('refuses a directory and a file that is not a module', async () => {
    const cwd = workDir()
    const directory = await skyloom(cwd, ['plan', '.'])
    expect(directory.code).toBe(2)
    expect(directory.stderr).toContain(`${cwd} is a directory; pass the stack module file inside it`)
    const text = await skyloom(cwd, ['plan', fixture('not-a-module.txt')])
    expect(text.code).toBe(2)
    expect(text.stderr).toContain('use a .ts, .mts, .js, .mjs file that exports a stack')
  })

  it('shows the error a module throws while loading, with its own stack frame', async () => {
    const { code, stderr } = await skyloom(workDir(), ['apply', fixture('throws.ts'), '--yes'])
    expect(code).toBe(2)
    expect(stderr).toContain(`Loading the stack module ${fixture('throws.ts')} failed; it threw:`)
    expect(stderr).toContain('Error: REGION is not configured: set it before importing this stack')
    expect(stderr).toMatch(/fixtures\/throws\.ts:\d+:\d+/)
    expect(stderr).not.toContain('tsx-namespace')
    expect(stderr).not.toContain('loadStackModule')
  })

  it('lists what a module exports when none of it is a stack, with example exports', async () => {
    const { code, stderr } = await skyloom(workDir(), ['plan', fixture('no-stack.ts')])
    expect(code).toBe(2)
    expect(stderr).toContain(
      'exports no stack. It exports: helper (a function), provider (an object), settings (an object).',
    )
    expect(stderr).toContain('export default stack')
    expect(stderr).toContain("export const stack = createStack('web', { provider })")
  })

  it('says what a stack function returned instead of a stack', async () => {
    const { code, stderr } = await skyloom(workDir(), ['plan', fixture('returns-number.ts')])
    expect(code).toBe(2)
    expect(stderr).toContain('is a function, but it returned a number (42) instead of a Stack.')
  })

  it('asks for engine options, not an engine', async () => {
    const { code, stderr } = await skyloom(workDir(), ['plan', fixture('exports-engine.ts')])
    expect(code).toBe(2)
    expect(stderr).toContain('is an engine; export engine options instead')
  })

  it('lists every validation problem on its own line with its path', async () => {
    const cwd = workDir()
    const { code, stdout, stderr } = await skyloom(cwd, ['plan', fixture('invalid.ts')])
    expect(code).toBe(2)
    expect(stdout).toBe('')
    const lines = stderr.trimEnd().split('\n')
    expect(lines[0]).toBe('The stack has 3 problems:')
    expect(lines).toContain(
      '  - broken/network/bad.props.cidr: "not-a-cidr" is not an IPv4 CIDR block like 10.0.0.0/16',
    )
    expect(
      lines.some((line) => line.startsWith('  - broken/subnet/outside.props.cidr: subnet 192.168.1.0/24')),
    ).toBe(true)
    expect(
      lines.some((line) =>
        line.startsWith('  - broken/instance/vm.props.subnet: references broken/subnet/missing'),
      ),
    ).toBe(true)
    const json = await skyloom(cwd, ['plan', fixture('invalid.ts'), '--json'])
    const error = jsonLines(json.stdout).at(-1)
    expect(error).toMatchObject({ type: 'error', code: 'SKYLOOM_VALIDATION', exitCode: 2 })
    expect(error?.issues).toHaveLength(3)
  })

  it('rejects unknown commands (with a suggestion), unknown flags and missing arguments', async () => {
    const cwd = workDir()
    const typo = await skyloom(cwd, ['aply', 'x.ts'])
    expect(typo.code).toBe(2)
    expect(typo.stderr).toContain('Unknown command "aply". Did you mean "apply"?')
    const flag = await skyloom(cwd, ['plan', fixture('web.ts'), '--colour'])
    expect(flag.code).toBe(2)
    expect(flag.stderr).toContain("Unknown option '--colour'")
    expect(flag.stderr).toContain('Run `skyloom plan --help` for usage.')
    const missing = await skyloom(cwd, ['import', fixture('legacy.ts'), 'network/legacy'])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain(
      'skyloom import needs <stack-module> <resource> <cloud-id>; <cloud-id> is missing.',
    )
    const extra = await skyloom(cwd, ['state', 'list', 'web'])
    expect(extra.code).toBe(2)
    expect(extra.stderr).toContain('unexpected: web')
    const subcommand = await skyloom(cwd, ['state', 'shwo', 'web'])
    expect(subcommand.stderr).toContain('Did you mean "state show"?')
    const noCommand = await skyloom(cwd, [])
    expect(noCommand.code).toBe(2)
    expect(noCommand.stderr).toContain('Usage: skyloom <command>')
  })

  it('needs --yes for --json, since JSON output cannot ask', async () => {
    const { code, stderr } = await skyloom(workDir(), ['apply', fixture('web.ts'), '--json'])
    expect(code).toBe(2)
    expect(stderr).toContain('--json cannot ask for confirmation; add --yes to apply.')
  })
})

describe('help and version', () => {
  it('prints the version', async () => {
    const { code, stdout } = await skyloom(workDir(), ['--version'])
    expect(code).toBe(0)
    expect(stdout.trim()).toBe(CLI_VERSION)
    expect(CLI_VERSION).toMatch(/^\d+\.\d+\.\d+/)
  })

  it('lists every command in the main help', async () => {
    const { code, stdout } = await skyloom(workDir(), ['--help'])
    expect(code).toBe(0)
    for (const command of COMMANDS) expect(stdout).toContain(`  ${command.name}`)
    expect(stdout).toContain('Exit codes: 0 success, 1 failed steps, 2 bad input')
  })

  it.each(COMMANDS.map((command) => command.name))('has --help for "%s"', async (name) => {
    const { code, stdout } = await skyloom(workDir(), [...name.split(' '), '--help'])
    expect(code).toBe(0)
    expect(stdout).toContain(`Usage: skyloom ${name}`)
    expect(stdout).toContain('Options:')
    expect(stdout).toContain('-h, --help')
    const viaHelp = await skyloom(workDir(), ['help', ...name.split(' ')])
    expect(viaHelp.stdout).toBe(stdout)
  })
})
