// Subscriptions other than the request verbs (e.g. fleet announcements and bundle chunks): kept
// across reconnects (the connection subscribes them again on every CONNACK, since sessions are
// clean) and dispatched by MQTT topic-filter matching (`+` one level, `#` the rest).

export type MessageHandler = (topic: string, payload: Buffer, retained: boolean) => void;

/** Whether `topic` matches the MQTT filter `filter` (MQTT 3.1.1 section 4.7). */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return i < t.length || (i === t.length && i > 0);
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

export class Subscriptions {
  private readonly entries = new Map<number, { filter: string; handler: MessageHandler }>();
  private nextId = 0;

  /** Registers `handler` for `filter`; `subscribe(filter)` is called now if connected, and on every reconnect. */
  add(filter: string, handler: MessageHandler, subscribe: (filter: string) => void): () => void {
    const id = this.nextId++;
    const needed = !this.filters().includes(filter);
    this.entries.set(id, { filter, handler });
    if (needed) subscribe(filter);
    return () => this.entries.delete(id);
  }

  /** Distinct filters, for re-subscribing after a reconnect. */
  filters(): string[] {
    return [...new Set([...this.entries.values()].map((e) => e.filter))];
  }

  /** Calls every matching handler; returns whether any matched. A throwing handler does not stop the others. */
  dispatch(topic: string, payload: Buffer, retained: boolean, onError: (err: unknown) => void): boolean {
    let matched = false;
    for (const { filter, handler } of [...this.entries.values()]) {
      if (!topicMatches(filter, topic)) continue;
      matched = true;
      try {
        handler(topic, payload, retained);
      } catch (err) {
        onError(err);
      }
    }
    return matched;
  }
}
