// The scrape loop: every interval, each target's /metrics is fetched (OpenMetrics preferred), parsed, and
// its RED histograms written through the store's writer: a sample only when a series changed, and its
// new exemplars. A failing target is counted and shown in /api/targets; nothing here throws out of the loop.
import type { Counters } from '../store/counters.ts';
import { RED_FAMILIES, seriesIdentity } from '../store/metrics-red.ts';
import { batchRows, seriesKey, type ExemplarRecord, type MetricsEntry, type MetricsTable, type SeriesRecord } from '../store/metrics-table.ts';
import type { Writer } from '../store/writer.ts';
import { parseExposition } from './exposition.ts';
import { fetchMetrics } from './fetch-metrics.ts';
import { gatherHistograms, targetInfo, type Histogram } from './histograms.ts';
import type { FileSdStatus } from './file-sd.ts';
import type { ScrapeTarget } from './targets.ts';
import { timeoutFor } from './targets.ts';

export interface ScraperOptions {
  readonly intervalMs: number;
  /** Default: below the interval (targets.ts's timeoutFor). */
  readonly timeoutMs?: number;
  /** Default 16 MiB. */
  readonly maxBodyBytes?: number;
  readonly counters?: Counters;
  readonly now?: () => number;
}

/** Where targets come from: a fixed list, or a TargetSet that follows file_sd files. */
export interface TargetSource {
  current(): readonly ScrapeTarget[];
  files?(): FileSdStatus[];
}

export interface TargetStatus {
  readonly url: string;
  readonly address: string;
  readonly source: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The service the target's series are stored under. */
  readonly service: string;
  readonly health: 'up' | 'down' | 'unknown';
  readonly lastScrape: number | null;
  readonly lastSuccess: number | null;
  readonly lastError: string | null;
  readonly lastDurationMs: number | null;
  readonly scrapes: number;
  readonly failures: number;
  /** RED histogram series in the last successful scrape. */
  readonly series: number;
  /** Lines of the last scrape that were rejected, and why the first ones were. */
  readonly rejectedLines: number;
  readonly rejectedReasons: readonly string[];
}

interface State {
  target: ScrapeTarget;
  service: string;
  running: boolean;
  lastScrape: number | null;
  lastSuccess: number | null;
  lastError: string | null;
  lastDurationMs: number | null;
  scrapes: number;
  failures: number;
  series: number;
  rejectedLines: number;
  rejectedReasons: string[];
  /** Each stored series' last count and sum: an unchanged series is not stored again. */
  seen: Map<string, { count: number; sum: number }>;
  /** Each bucket's last stored exemplar. */
  exemplars: Map<string, string>;
}

const TRACE_ID = /^[0-9a-f]{1,32}$/;

function traceIdOf(labels: Readonly<Record<string, string>>): string | undefined {
  const raw = (labels.trace_id ?? labels.traceID ?? labels.traceId ?? '').toLowerCase();
  return TRACE_ID.test(raw) ? raw.padStart(32, '0') : undefined;
}

/** The target's `service` label, else the series' own, else target_info's, else the job, else host:port. */
export function serviceName(target: ScrapeTarget, labels: Readonly<Record<string, string>>, info: Readonly<Record<string, string>> | undefined): string {
  return target.labels.service || labels.service || info?.service_name || info?.service || labels.job || info?.job || target.address;
}

function message(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 500);
}

export class Scraper {
  readonly #targets: TargetSource;
  readonly #table: MetricsTable;
  readonly #writer: Writer;
  readonly #intervalMs: number;
  readonly #timeoutMs: number;
  readonly #maxBodyBytes: number;
  readonly #counters: Counters | undefined;
  readonly #now: () => number;
  readonly #states = new Map<string, State>();
  #timer: NodeJS.Timeout | undefined;
  #abort = new AbortController();

  constructor(targets: TargetSource | readonly ScrapeTarget[], table: MetricsTable, writer: Writer, options: ScraperOptions) {
    const fixed = Array.isArray(targets) ? (targets as readonly ScrapeTarget[]) : undefined;
    this.#targets = fixed === undefined ? (targets as TargetSource) : { current: () => fixed };
    this.#table = table;
    this.#writer = writer;
    this.#intervalMs = options.intervalMs;
    this.#timeoutMs = options.timeoutMs ?? timeoutFor(options.intervalMs);
    this.#maxBodyBytes = options.maxBodyBytes ?? 16 * 1024 * 1024;
    this.#counters = options.counters;
    this.#now = options.now ?? Date.now;
  }

  get intervalMs(): number {
    return this.#intervalMs;
  }

  /** Scrapes now and then every interval. */
  start(): void {
    if (this.#timer !== undefined) return;
    this.#abort = new AbortController();
    void this.scrapeOnce();
    this.#timer = setInterval(() => void this.scrapeOnce(), this.#intervalMs);
    // The viewer's server keeps the process alive; the scrape loop alone must not.
    this.#timer.unref();
  }

  /** Stops the loop and breaks off scrapes in flight. */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#abort.abort();
  }

  /** One round over the current targets; a target whose previous scrape is still running is skipped. */
  async scrapeOnce(): Promise<void> {
    let targets: readonly ScrapeTarget[];
    try {
      targets = this.#targets.current();
    } catch (error) {
      process.stderr.write(`threadline-viewer: listing scrape targets failed: ${message(error)}\n`);
      return;
    }
    const urls = new Set(targets.map((target) => target.url));
    for (const url of this.#states.keys()) if (!urls.has(url)) this.#states.delete(url);
    await Promise.all(targets.map((target) => this.#scrapeTarget(this.#stateOf(target))));
  }

  status(): { intervalMs: number; targets: TargetStatus[]; files: FileSdStatus[] } {
    const targets = [...this.#states.values()].map((state): TargetStatus => ({
      url: state.target.url,
      address: state.target.address,
      source: state.target.source,
      labels: state.target.labels,
      service: state.service,
      health: state.lastScrape === null ? 'unknown' : state.lastError === null ? 'up' : 'down',
      lastScrape: state.lastScrape,
      lastSuccess: state.lastSuccess,
      lastError: state.lastError,
      lastDurationMs: state.lastDurationMs,
      scrapes: state.scrapes,
      failures: state.failures,
      series: state.series,
      rejectedLines: state.rejectedLines,
      rejectedReasons: state.rejectedReasons,
    }));
    return { intervalMs: this.#intervalMs, targets, files: this.#targets.files?.() ?? [] };
  }

  #stateOf(target: ScrapeTarget): State {
    let state = this.#states.get(target.url);
    if (state === undefined || state.target !== target) {
      const fresh: State = {
        target,
        service: target.labels.service || target.address,
        running: false,
        lastScrape: null,
        lastSuccess: null,
        lastError: null,
        lastDurationMs: null,
        scrapes: 0,
        failures: 0,
        series: 0,
        rejectedLines: 0,
        rejectedReasons: [],
        seen: new Map(),
        exemplars: new Map(),
      };
      // A target re-read from its file keeps what was learnt about it.
      state = state === undefined ? fresh : Object.assign(state, { target });
      this.#states.set(target.url, state);
    }
    return state;
  }

  async #scrapeTarget(state: State): Promise<void> {
    if (state.running) return;
    state.running = true;
    const started = this.#now();
    const clock = performance.now();
    try {
      const fetched = await fetchMetrics(state.target.url, { timeoutMs: this.#timeoutMs, maxBytes: this.#maxBodyBytes, signal: this.#abort.signal });
      const exposition = parseExposition(fetched.body, { openMetrics: fetched.openMetrics });
      const { histograms, rejected } = gatherHistograms(exposition, RED_FAMILIES);
      const info = targetInfo(exposition);
      const { entries, seen, exemplars } = this.#changes(state, histograms, info, started);
      const batch = { entries };
      const rows = batchRows(batch);
      if (rows > 0) await this.#writer.write({ rows, apply: () => this.#table.insert(batch) });
      for (const [key, value] of seen) state.seen.set(key, value);
      for (const [key, value] of exemplars) state.exemplars.set(key, value);
      state.series = histograms.length;
      state.rejectedLines = exposition.rejected + rejected.length;
      state.rejectedReasons = [...exposition.errors.map((error) => `line ${error.line}: ${error.reason}`), ...rejected].slice(0, 10);
      state.lastSuccess = started;
      state.lastError = null;
    } catch (error) {
      state.failures++;
      state.lastError = message(error);
      this.#counters?.add('scrapes_failed');
    } finally {
      state.scrapes++;
      state.lastScrape = started;
      state.lastDurationMs = Math.round((performance.now() - clock) * 10) / 10;
      state.running = false;
    }
  }

  /** What changed since the target's last stored scrape. */
  #changes(state: State, histograms: readonly Histogram[], info: Readonly<Record<string, string>> | undefined, t: number) {
    const entries: MetricsEntry[] = [];
    const seen = new Map<string, { count: number; sum: number }>();
    const exemplars = new Map<string, string>();
    const firstScrape = state.lastSuccess === null;
    state.service = serviceName(state.target, histograms[0]?.labels ?? {}, info);
    for (const histogram of histograms) {
      const labels = { ...histogram.labels, ...state.target.labels };
      const service = serviceName(state.target, histogram.labels, info);
      const series: SeriesRecord = { ...seriesIdentity(histogram.family, service, labels), target: state.target.address, labels, bounds: histogram.bounds };
      const key = seriesKey(series);
      const previous = state.seen.get(key);
      const samples = [];
      const current = { t, count: histogram.count, sum: histogram.sum, buckets: histogram.buckets, baseline: false };
      if (previous === undefined) {
        // First sight of the series: on the target's first scrape it is only where counting starts; a series
        // that appears later was born since the previous scrape, when it stood at zero.
        if (firstScrape) samples.push({ ...current, baseline: true });
        else samples.push({ t: state.lastSuccess!, count: 0, sum: 0, buckets: histogram.buckets.map(() => 0), baseline: false }, current);
      } else if (previous.count !== histogram.count || previous.sum !== histogram.sum) {
        samples.push(current);
      }
      if (samples.length > 0) seen.set(key, { count: histogram.count, sum: histogram.sum });
      const newExemplars: ExemplarRecord[] = [];
      for (const exemplar of histogram.exemplars) {
        const traceId = traceIdOf(exemplar.labels);
        if (traceId === undefined || !Number.isFinite(exemplar.value)) continue;
        const spanId = (exemplar.labels.span_id ?? exemplar.labels.spanID ?? exemplar.labels.spanId ?? '').toLowerCase().slice(0, 16);
        const bucketKey = `${key}\u0000${exemplar.le}`;
        const signature = `${traceId}/${spanId}/${exemplar.value}/${exemplar.timestampMs ?? ''}`;
        if (state.exemplars.get(bucketKey) === signature) continue;
        exemplars.set(bucketKey, signature);
        const when = exemplar.timestampMs !== undefined && Number.isFinite(exemplar.timestampMs) ? exemplar.timestampMs : t;
        newExemplars.push({ t: when, traceId, spanId, value: exemplar.value });
      }
      if (samples.length > 0 || newExemplars.length > 0) entries.push({ series, samples, exemplars: newExemplars });
    }
    return { entries, seen, exemplars };
  }
}
