import { type Engine, type EngineEvent, ProgressTracker } from '@skyloom/core'

/**
 * Live progress of an apply on one line of the terminal (redrawn in place), or one line per
 * finished step when the output is not a terminal. Built on the engine's events and its
 * ProgressTracker, as any embedder would.
 */
export function showProgress(engine: Engine, out: NodeJS.WriteStream = process.stdout): () => void {
  const tracker = new ProgressTracker()
  const live = out.isTTY === true
  let lastDraw = 0
  const draw = (force = false) => {
    const now = Date.now()
    if (!force && now - lastDraw < 80) return
    lastDraw = now
    const p = tracker.snapshot
    const width = 24
    const filled = p.total === 0 ? width : Math.round((p.finished / p.total) * width)
    const running = p.running[0]
      ? `  ${p.running[0].operation} ${p.running[0].urn.split('/').slice(1).join('/')}`
      : ''
    const line = `  [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.finished}/${p.total} done, ${p.running.length} running, ${p.retries} retries, ${(p.elapsedMs / 1000).toFixed(1)} s${running}`
    out.write(`\r\u001b[2K${line.slice(0, (out.columns ?? 120) - 1)}`)
  }
  const off = engine.events.on('event', (event: EngineEvent) => {
    if (!tracker.update(event)) return
    if (live) {
      draw(event.type === 'step-end')
    } else if (event.type === 'step-end') {
      out.write(
        `  ${event.outcome === 'done' ? 'ok  ' : event.outcome.padEnd(4)} ${event.operation} ${event.urn.split('/').slice(1).join('/')}\n`,
      )
    }
  })
  return () => {
    off()
    if (live) {
      draw(true)
      out.write('\r\u001b[2K')
    }
  }
}
