import { createEngine, type Engine, type EngineEvent, type Stack } from '@skyloom/core'
import type { ResolvedIo } from './io.js'
import type { EventView } from './output/event-view.js'
import { JsonEvents } from './output/json-events.js'
import { LiveProgress } from './output/live-progress.js'
import type { Output } from './output/output.js'
import { PlainProgress } from './output/plain-progress.js'
import { isSimulatedClock } from './simulated-clock.js'
import { loadStackModule } from './stack-module/load-stack.js'
import type { LoadedStackModule } from './stack-module/types.js'
import { engineOptionsFor, readStateSettings } from './state-settings.js'

/** A loaded stack module with its engine, and the view its events are shown in. */
export interface ModuleRun {
  readonly module: LoadedStackModule
  readonly stack: Stack
  readonly engine: Engine
  readonly view: EventView
  /** True when the engine runs on a simulated clock (durations are then labelled so). */
  readonly simulated: boolean
  /** Stops showing events. */
  close(): void
}

export interface ModuleRunOptions {
  readonly command: string
  readonly modulePath: string
  readonly flags: { readonly 'state-dir'?: string; readonly 'passphrase-file'?: string }
  /** Print drift events as they are found (plan --refresh); off when the command lists drift itself. */
  readonly showDrift: boolean
  /** Where human progress goes: stderr when stdout carries the command's product (graph). */
  readonly progressTo?: 'stdout' | 'stderr'
}

/** Loads the module, makes the engine from its options and the state flags, and shows its events. */
export async function openModuleRun(
  io: ResolvedIo,
  output: Output,
  options: ModuleRunOptions,
): Promise<ModuleRun> {
  const settings = await readStateSettings(io, options.flags)
  const module = await loadStackModule(options.modulePath, {
    command: options.command,
    cwd: io.cwd,
    env: io.env,
  })
  const engine = createEngine(engineOptionsFor(module.engineOptions, settings))
  const simulated = isSimulatedClock(engine.clock)
  const view = eventView(io, output, engine, { drift: options.showDrift, simulated, to: options.progressTo })
  const off = engine.events.on('event', (event: EngineEvent) => view.event(event))
  return {
    module,
    stack: module.stack,
    engine,
    view,
    simulated,
    close() {
      off()
      view.close()
    },
  }
}

function eventView(
  io: ResolvedIo,
  output: Output,
  engine: Engine,
  options: { drift: boolean; simulated: boolean; to: 'stdout' | 'stderr' | undefined },
): EventView {
  if (output.json) return new JsonEvents(io.stdout, io.stderr)
  if (options.to === 'stderr') {
    return new PlainProgress(io.stderr, output.errStyle, { drift: options.drift })
  }
  if (io.stdout.isTTY === true) {
    return new LiveProgress(io.stdout, output.style, engine.clock, options)
  }
  return new PlainProgress(io.stdout, output.style, { drift: options.drift })
}
