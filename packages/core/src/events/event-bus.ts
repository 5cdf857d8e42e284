import { EventEmitter } from 'eventemitter3'
import type { Clock } from '../clock/clock.js'
import type { EngineEvent, EngineEventType, EventDraft, EventOf } from './types.js'

type Listeners = { [T in EngineEventType]: [EventOf<T>] } & { event: [EngineEvent] }

/**
 * The engine's typed event stream: `on('step-end', …)` for one type, `on('event', …)` for all,
 * or `for await (const event of bus.stream())` (for SSE in a service). Every event carries a
 * monotonic `seq`, the clock's time and the operation's correlation id.
 */
export class EventBus {
  readonly #emitter = new EventEmitter<Listeners>()
  readonly #clock: Clock
  #seq = 0

  constructor(clock: Clock) {
    this.#clock = clock
  }

  on<T extends EngineEventType | 'event'>(type: T, listener: (...args: Listeners[T]) => void): () => void {
    this.#emitter.on(type, listener as never)
    return () => this.#emitter.off(type, listener as never)
  }

  once<T extends EngineEventType | 'event'>(type: T, listener: (...args: Listeners[T]) => void): void {
    this.#emitter.once(type, listener as never)
  }

  off<T extends EngineEventType | 'event'>(type: T, listener: (...args: Listeners[T]) => void): void {
    this.#emitter.off(type, listener as never)
  }

  /** @internal Stamps and delivers an event. Listener errors never break an apply. */
  emit(draft: EventDraft): EngineEvent {
    const event = { ...draft, seq: ++this.#seq, time: this.#clock.now() } as EngineEvent
    for (const type of [event.type, 'event'] as const) {
      try {
        this.#emitter.emit(type, event as never)
      } catch {
        // A faulty listener must not fail the operation it observes.
      }
    }
    return event
  }

  /**
   * Every event from now on as an async iterator, until `signal` aborts (or the consumer stops
   * iterating). Events are buffered while the consumer is busy, so none is lost.
   */
  stream(
    options: { signal?: AbortSignal; filter?: (event: EngineEvent) => boolean } = {},
  ): AsyncIterableIterator<EngineEvent> {
    const buffer: EngineEvent[] = []
    let wake: (() => void) | undefined
    let done = false
    const off = this.on('event', (event) => {
      if (options.filter && !options.filter(event)) return
      buffer.push(event)
      wake?.()
    })
    const finish = () => {
      done = true
      off()
      wake?.()
    }
    options.signal?.addEventListener('abort', finish, { once: true })
    const iterator: AsyncIterableIterator<EngineEvent> = {
      async next() {
        for (;;) {
          const event = buffer.shift()
          if (event) return { value: event, done: false }
          if (done) return { value: undefined, done: true }
          await new Promise<void>((resolve) => {
            wake = resolve
          })
          wake = undefined
        }
      },
      async return() {
        finish()
        return { value: undefined, done: true }
      },
      [Symbol.asyncIterator]() {
        return iterator
      },
    }
    return iterator
  }
}
