import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { createEngine, fileState, planHasChanges, seededRandom } from '../src/index.js'
import { MockCloud } from '../src/testing.js'
import { crashStack } from './crash/stack.js'

const here = dirname(fileURLToPath(import.meta.url))
const repoRoot = join(here, '../../..')
const LATENCY_MS = 4
const KILLS = 30

function startChild(
  cloudFile: string,
  stateDir: string,
  variant: 'a' | 'b',
): { child: ChildProcess; ready: Promise<void>; exit: Promise<string> } {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--conditions=@skyloom/source',
      join(here, 'crash/child.ts'),
      cloudFile,
      stateDir,
      variant,
      String(LATENCY_MS),
    ],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let output = ''
  let errors = ''
  let onReady: () => void = () => {}
  const ready = new Promise<void>((resolve) => {
    onReady = resolve
  })
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString()
    if (output.includes('ready\n')) onReady()
  })
  child.stderr!.on('data', (chunk: Buffer) => {
    errors += chunk.toString()
  })
  const exit = new Promise<string>((resolve) => child.on('exit', () => resolve(`${output}${errors}`)))
  return { child, ready, exit }
}

const dirs: string[] = []
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true })
})

describe('crash safety', () => {
  it(`survives SIGKILL at ${KILLS} random moments with no duplicate and no orphan`, {
    timeout: 240_000,
  }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'skyloom-crash-'))
    dirs.push(dir)
    const cloudFile = join(dir, 'cloud.json')
    const stateDir = join(dir, 'state')
    const random = seededRandom(20261127)

    // Calibrate: how long does an uninterrupted apply take in a child, once it is ready?
    const calibration = startChild(cloudFile, stateDir, 'a')
    const calibrated = await calibration.exit
    const applyMs = Number(/ok (\d+)/.exec(calibrated)?.[1])
    expect(applyMs, `calibration run failed:\n${calibrated}`).toBeGreaterThan(0)

    const outcomes: string[] = []
    const resolutions = new Map<string, number>()
    for (let round = 0; round < KILLS; round++) {
      const variant = round % 2 === 0 ? 'b' : 'a'
      const { child, ready, exit } = startChild(cloudFile, stateDir, variant)
      await ready
      const delay = Math.floor(random() * applyMs * 1.2)
      await new Promise((resolve) => setTimeout(resolve, delay))
      child.kill('SIGKILL')
      const output = await exit
      outcomes.push(output.includes('ok') ? 'finished' : 'killed')

      // The next apply (this process, same files) converges...
      const engine = createEngine({ state: fileState({ dir: stateDir }) })
      engine.events.on('intent-resolved', (event) =>
        resolutions.set(event.resolution, (resolutions.get(event.resolution) ?? 0) + 1),
      )
      const stack = crashStack(cloudFile, variant, 0)
      const result = await engine.up(stack)
      expect(
        result.ok,
        `round ${round}: ${result.steps
          .filter((step) => step.error)
          .map((step) => step.error?.message)
          .join('; ')}`,
      ).toBe(true)
      expect(planHasChanges(await engine.plan(stack))).toBe(false)

      // ... and the cloud holds exactly the stack's resources: no duplicate, no orphan.
      const cloud = new MockCloud({ file: cloudFile }).all()
      const byUrn = new Map<string, number>()
      for (const resource of cloud)
        byUrn.set(resource.tags['skyloom-urn']!, (byUrn.get(resource.tags['skyloom-urn']!) ?? 0) + 1)
      const expected = stack.resources.map((resource) => resource.urn).sort()
      expect([...byUrn.keys()].sort(), `round ${round}`).toEqual(expected)
      expect(
        [...byUrn.values()].every((count) => count === 1),
        `round ${round}: duplicates`,
      ).toBe(true)
      const state = (await engine.readState('crash'))!
      expect(
        Object.values(state.resources)
          .map((resource) => resource.id)
          .sort(),
      ).toEqual(cloud.map((resource) => resource.id).sort())
      expect(state.condemned).toEqual([])
      expect(state.pending).toEqual({})
    }
    // Most kills must land mid-apply, or the test proves little.
    expect(outcomes.filter((outcome) => outcome === 'killed').length).toBeGreaterThanOrEqual(KILLS / 2)
    // And some kills must have caught a cloud call between its intent and its result.
    console.log(
      `crash test: ${outcomes.filter((o) => o === 'killed').length}/${KILLS} runs killed mid-apply (kills spread over 1.2x the calibrated ${applyMs} ms apply); interrupted intents resolved:`,
      Object.fromEntries(resolutions),
    )
    expect(resolutions.get('adopted') ?? 0).toBeGreaterThan(0)
  })
})
