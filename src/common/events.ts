// One typed event bus (STYLE.md): a listener that throws becomes a log line, never a crash.
import type { Logger } from './logger.js';

export type EventMap = Record<string, unknown>;
type Listener<T> = (payload: T) => void;

export class EventBus<Events extends EventMap> {
  private readonly listeners = new Map<keyof Events, Set<Listener<never>>>();

  constructor(private readonly log: Logger) {}

  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const listener of set) {
      try {
        (listener as Listener<Events[K]>)(payload);
      } catch (err) {
        this.log.error(`listener for '${String(event)}' threw: ${(err as Error).message}`, {
          stack: (err as Error).stack,
        });
      }
    }
  }

  removeAll(): void {
    this.listeners.clear();
  }
}
