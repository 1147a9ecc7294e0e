// Writes and reads the scraped RED histograms (metrics-schema.ts). Writes run inside the writer's
// transaction; series IDs are cached, and the cache is dropped whenever retention removes series.
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { encodeBuckets } from './metrics-buckets.ts';
import type { SeriesIdentity } from './metrics-red.ts';

export interface SeriesRecord extends SeriesIdentity {
  /** host:port of the scraped target. */
  readonly target: string;
  /** Every label of the series but `le`. */
  readonly labels: Readonly<Record<string, string>>;
  /** Finite bucket bounds, ascending. */
  readonly bounds: readonly number[];
}

export interface SampleRecord {
  /** Unix ms of the scrape. */
  readonly t: number;
  readonly count: number;
  readonly sum: number;
  /** Cumulative counts of the finite buckets. */
  readonly buckets: readonly number[];
  readonly baseline: boolean;
}

export interface ExemplarRecord {
  readonly t: number;
  readonly traceId: string;
  readonly spanId: string;
  readonly value: number;
}

export interface MetricsEntry {
  readonly series: SeriesRecord;
  /** Usually one; a series new since the previous scrape also gets a zero sample at that scrape's time. */
  readonly samples: readonly SampleRecord[];
  readonly exemplars: readonly ExemplarRecord[];
}

/** One scrape's changes. */
export interface MetricsBatch {
  readonly entries: readonly MetricsEntry[];
}

export function batchRows(batch: MetricsBatch): number {
  let rows = 0;
  for (const entry of batch.entries) rows += entry.samples.length + entry.exemplars.length;
  return rows;
}

export interface SeriesRow {
  readonly id: number;
  readonly service: string;
  readonly route: string;
  readonly error: number;
  readonly bounds: string;
}

export const CONTINUES = 0;
export const BASELINE = 1;
export const RESET = 2;

export interface StoredSample {
  readonly t: number;
  readonly count: number;
  readonly buckets: Uint8Array;
  /** CONTINUES, BASELINE or RESET. */
  readonly mark: number;
}


export interface StoredExemplar {
  readonly t: number;
  /** The observed value: seconds, for the duration histograms. */
  readonly value: number;
  readonly traceId: string;
  readonly spanId: string;
  readonly service: string;
  readonly route: string;
}

export function seriesKey(series: SeriesRecord): string {
  const labels = Object.keys(series.labels).sort().map((name) => [name, series.labels[name]]);
  return JSON.stringify([series.metric, series.service, series.target, labels, series.bounds]);
}

export class MetricsTable {
  readonly #db: DatabaseSync;
  readonly #ids = new Map<string, number>();
  readonly #upsertSeries: StatementSync;
  readonly #insertSample: StatementSync;
  readonly #insertExemplar: StatementSync;
  readonly #matching: StatementSync;
  readonly #matchingRoute: StatementSync;
  readonly #before: StatementSync;
  readonly #range: StatementSync;
  readonly #firstAfter: StatementSync;
  readonly #lastCount: StatementSync;
  readonly #breaks: StatementSync;
  readonly #counts = new Map<number, number>();
  readonly #exemplarValues: StatementSync;
  readonly #exemplarAt: StatementSync;
  readonly #routes: StatementSync;
  readonly #allRoutes: StatementSync;
  readonly #seriesIds: StatementSync;
  readonly #oldestOf: StatementSync;
  readonly #trimSamples: StatementSync;
  readonly #trimExemplars: StatementSync;
  readonly #dropEmptySeries: StatementSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#upsertSeries = db.prepare(`INSERT INTO metric_series (key, metric, service, route, method, status, error, target, labels, bounds)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET service = excluded.service RETURNING id`);
    this.#insertSample = db.prepare('INSERT OR REPLACE INTO metric_samples (series_id, t, count, sum, buckets, mark) VALUES (?, ?, ?, ?, ?, ?)');
    this.#insertExemplar = db.prepare('INSERT OR IGNORE INTO metric_exemplars (series_id, t, trace_id, span_id, value) VALUES (?, ?, ?, ?, ?)');
    const seriesColumns = 'SELECT id, service, route, error, bounds FROM metric_series';
    this.#matching = db.prepare(`${seriesColumns} WHERE metric = ?1 AND (?2 IS NULL OR service = ?2) AND (?3 IS NULL OR route = ?3) ORDER BY id`);
    this.#matchingRoute = db.prepare(`${seriesColumns} WHERE route = ?2 AND metric = ?1 ORDER BY id`);
    const columns = 'SELECT t, count, buckets, mark FROM metric_samples WHERE series_id = ?';
    this.#before = db.prepare(`${columns} AND t <= ? ORDER BY t DESC LIMIT 1`);
    this.#range = db.prepare(`${columns} AND t > ? AND t <= ? ORDER BY t`);
    this.#firstAfter = db.prepare(`${columns} AND t > ? ORDER BY t LIMIT 1`);
    this.#lastCount = db.prepare('SELECT count FROM metric_samples WHERE series_id = ? AND t < ? ORDER BY t DESC LIMIT 1');
    this.#breaks = db.prepare('SELECT t FROM metric_samples WHERE series_id = ? AND mark != 0 AND t > ? AND t <= ? ORDER BY t');
    // Exemplars' times and values alone, to pick each step's slowest cheaply; then the winners' traces by key.
    this.#exemplarValues = db.prepare('SELECT t, value FROM metric_exemplars WHERE series_id = ? AND t > ? AND t <= ?');
    this.#exemplarValues.setReturnArrays(true);
    this.#exemplarAt = db.prepare(`SELECT e.t, e.value, e.trace_id AS traceId, e.span_id AS spanId, s.service, s.route
      FROM metric_exemplars e JOIN metric_series s ON s.id = e.series_id WHERE e.series_id = ? AND e.t = ? ORDER BY e.value DESC LIMIT 1`);
    this.#routes = db.prepare('SELECT DISTINCT route FROM metric_series WHERE service = ? AND metric = ? ORDER BY route');
    this.#allRoutes = db.prepare('SELECT DISTINCT route FROM metric_series WHERE metric = ? ORDER BY route');
    this.#seriesIds = db.prepare('SELECT id FROM metric_series');
    this.#oldestOf = db.prepare('SELECT t FROM metric_samples WHERE series_id = ? ORDER BY t LIMIT 1');
    this.#trimSamples = db.prepare('DELETE FROM metric_samples WHERE series_id = ?1 AND t IN (SELECT t FROM metric_samples WHERE series_id = ?1 AND t < ?2 ORDER BY t LIMIT ?3)');
    this.#trimExemplars = db.prepare('DELETE FROM metric_exemplars WHERE series_id = ? AND t < ?');
    this.#dropEmptySeries = db.prepare('DELETE FROM metric_series WHERE NOT EXISTS (SELECT 1 FROM metric_samples WHERE series_id = metric_series.id) AND NOT EXISTS (SELECT 1 FROM metric_exemplars WHERE series_id = metric_series.id)');
  }

  /** Writes one scrape's changes; call inside the writer's transaction. Samples of a series come in time order. */
  insert(batch: MetricsBatch): void {
    for (const entry of batch.entries) {
      const id = this.#seriesId(entry.series);
      for (const sample of entry.samples) {
        const t = Math.round(sample.t);
        const before = this.#counts.get(id) ?? (this.#lastCount.get(id, t) as { count: number } | undefined)?.count;
        const mark = sample.baseline ? BASELINE : before !== undefined && sample.count < before ? RESET : CONTINUES;
        this.#insertSample.run(id, t, sample.count, sample.sum, encodeBuckets(sample.buckets), mark);
        this.#counts.set(id, sample.count);
      }
      for (const exemplar of entry.exemplars) this.#insertExemplar.run(id, Math.round(exemplar.t), exemplar.traceId, exemplar.spanId, exemplar.value);
    }
  }

  #seriesId(series: SeriesRecord): number {
    const key = seriesKey(series);
    let id = this.#ids.get(key);
    if (id === undefined) {
      const row = this.#upsertSeries.get(key, series.metric, series.service, series.route, series.method, series.status, series.error ? 1 : 0, series.target, JSON.stringify(series.labels), JSON.stringify(series.bounds)) as { id: number };
      id = Number(row.id);
      this.#ids.set(key, id);
    }
    return id;
  }

  series(metric: string, service: string | undefined, route: string | undefined): SeriesRow[] {
    const statement = service === undefined && route !== undefined ? this.#matchingRoute : this.#matching;
    return statement.all(metric, service ?? null, route ?? null) as unknown as SeriesRow[];
  }

  /** The last sample at or before `t`. */
  sampleAtOrBefore(seriesId: number, t: number): StoredSample | undefined {
    return this.#before.get(seriesId, t) as StoredSample | undefined;
  }

  /** Samples with `after` < t ≤ `to`, oldest first. */
  samples(seriesId: number, after: number, to: number): StoredSample[] {
    return this.#range.all(seriesId, after, to) as unknown as StoredSample[];
  }

  /** The first sample after `t`. */
  firstAfter(seriesId: number, t: number): StoredSample | undefined {
    return this.#firstAfter.get(seriesId, t) as StoredSample | undefined;
  }

  /** Times of the breaks (baselines, resets) with `after` < t ≤ `to`. */
  breaks(seriesId: number, after: number, to: number): number[] {
    return (this.#breaks.all(seriesId, after, to) as Array<{ t: number }>).map((row) => Number(row.t));
  }

  /** Times and values of the exemplars with `after` < t ≤ `to`, as [t, value] pairs. */
  exemplarValues(seriesId: number, after: number, to: number): Array<[number, number]> {
    return this.#exemplarValues.all(seriesId, after, to) as unknown as Array<[number, number]>;
  }

  /** The exemplar of a series at a time (the highest value, should two share it). */
  exemplarAt(seriesId: number, t: number): StoredExemplar | undefined {
    const row = this.#exemplarAt.get(seriesId, t) as StoredExemplar | undefined;
    return row === undefined ? undefined : { ...row, t: Number(row.t) };
  }

  routes(metric: string, service: string | undefined): string[] {
    const rows = (service === undefined ? this.#allRoutes.all(metric) : this.#routes.all(service, metric)) as Array<{ route: string }>;
    return rows.map((row) => row.route);
  }

  /** Unix ms of the oldest sample, for retention. */
  oldestMs(): number | undefined {
    let oldest: number | undefined;
    for (const { id } of this.#seriesIds.all() as Array<{ id: number }>) {
      const row = this.#oldestOf.get(id) as { t: number } | undefined;
      if (row !== undefined && (oldest === undefined || row.t < oldest)) oldest = Number(row.t);
    }
    return oldest;
  }

  /**
   * Deletes at most `limit` samples older than `ms` (and the exemplars of those times, and series left
   * empty); returns how many samples went. For the lead's retention loop.
   */
  deleteBefore(ms: number, limit = Number.MAX_SAFE_INTEGER): number {
    let deleted = 0;
    for (const { id } of this.#seriesIds.all() as Array<{ id: number }>) {
      if (deleted >= limit) break;
      deleted += Number(this.#trimSamples.run(id, ms, limit - deleted).changes);
      this.#trimExemplars.run(id, ms);
    }
    if (Number(this.#dropEmptySeries.run().changes) > 0) this.#ids.clear();
    this.#counts.clear();
    return deleted;
  }

  get db(): DatabaseSync {
    return this.#db;
  }
}
