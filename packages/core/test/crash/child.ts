/**
 * Runs one apply of the crash stack in its own process, so the test can kill it with SIGKILL
 * at any moment. Usage: child.ts <cloud.json> <state-dir> <a|b> <latency-ms>
 */
import { createEngine, fileState } from '../../src/index.js'
import { crashStack } from './stack.js'

const [cloudFile, stateDir, variant, latency] = process.argv.slice(2)
const engine = createEngine({ state: fileState({ dir: stateDir! }) })
process.stdout.write('ready\n')
const started = Date.now()
const result = await engine.up(crashStack(cloudFile!, variant as 'a' | 'b', Number(latency)))
process.stdout.write(`${result.ok ? 'ok' : 'failed'} ${Date.now() - started}\n`)
