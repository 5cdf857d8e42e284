/** Tick spacings the axis may use, in ms: 1-2-5 steps from 10 ms, then minute and hour marks. */
const STEPS_MS = [
  10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000,
  900_000, 1_800_000, 3_600_000, 7_200_000, 21_600_000, 43_200_000, 86_400_000,
]

/** Tick positions for an axis from 0 to `spanMs`, about one per `minGapPx` pixels at most. */
export function ticks(spanMs: number, widthPx: number, minGapPx = 90): number[] {
  const most = Math.max(1, Math.floor(widthPx / minGapPx))
  const step = STEPS_MS.find((candidate) => spanMs / candidate <= most) ?? STEPS_MS.at(-1)!
  const out: number[] = []
  for (let at = 0; at <= spanMs + 1e-9; at += step) out.push(at)
  return out
}

/** A tick label: `0`, `500ms`, `15s`, `2m30s`, `1h05m`. Short, because ticks are close together. */
export function tickLabel(ms: number): string {
  if (ms === 0) return '0'
  if (ms < 1_000) return `${ms}ms`
  const seconds = ms / 1_000
  if (seconds < 60) return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)}s`
  const minutes = Math.floor(seconds / 60)
  const rest = Math.round(seconds - minutes * 60)
  if (minutes < 60) return rest === 0 ? `${minutes}m` : `${minutes}m${String(rest).padStart(2, '0')}s`
  const hours = Math.floor(minutes / 60)
  return `${hours}h${String(minutes - hours * 60).padStart(2, '0')}m`
}
