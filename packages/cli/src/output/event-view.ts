import type { EngineEvent } from '@skyloom/core'

/** Shows engine events as they come: live on a terminal, a line each in logs, or as JSON. */
export interface EventView {
  /** Shows one event. */
  event(event: EngineEvent): void
  /** A message for the person watching (e.g. "Cancelling…"), kept above any live display. */
  note(text: string): void
  /** Stops drawing; any live display is erased so the summary can follow. */
  close(): void
}
