// What the viewer counts about itself (received, refused, evicted…), kept across restarts.
import type { DatabaseSync, StatementSync } from 'node:sqlite';

export type CounterName =
  | 'spans_received'
  | 'logs_received'
  | 'spans_rejected'
  | 'logs_rejected'
  | 'requests_refused_overloaded'
  | 'requests_refused_malformed'
  | 'requests_refused_too_large'
  | 'spans_evicted'
  | 'logs_evicted'
  | 'samples_evicted'
  | 'alerts_evicted'
  | 'scrapes_failed'
  | 'otlp_metrics_points_declined';

export class Counters {
  readonly #values = new Map<string, number>();
  readonly #dirty = new Set<string>();
  readonly #upsert: StatementSync;

  constructor(db: DatabaseSync) {
    for (const row of db.prepare('SELECT name, value FROM counters').all() as Array<{ name: string; value: number }>) this.#values.set(row.name, Number(row.value));
    this.#upsert = db.prepare('INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value');
  }

  add(name: CounterName, by = 1): void {
    if (by === 0) return;
    this.#values.set(name, (this.#values.get(name) ?? 0) + by);
    this.#dirty.add(name);
  }

  get(name: CounterName): number {
    return this.#values.get(name) ?? 0;
  }

  all(): Record<string, number> {
    return Object.fromEntries([...this.#values].sort(([a], [b]) => a.localeCompare(b)));
  }

  /** Writes the counters that changed; the writer calls this inside its transaction. */
  persist(): void {
    for (const name of this.#dirty) this.#upsert.run(name, this.#values.get(name) ?? 0);
    this.#dirty.clear();
  }
}
