// Rate, error ratio and latency quantiles of the RED histograms over a time window, one point per step.
// Each point covers (t - step, t], the last one ending at the window's end: the increases of every matching series' count and buckets between
// consecutive samples that fall in it, summed. A count that falls is a counter reset (the process
// restarted): the new value is the increase. A baseline sample (the viewer began scraping) adds nothing.
import { decodeBuckets } from './metrics-buckets.ts';
import { histogramQuantile } from './metrics-quantile.ts';
import { BASELINE, RESET, type MetricsTable, type SeriesRow, type StoredExemplar, type StoredSample } from './metrics-table.ts';

export interface RedQuery {
  readonly metric: string;
  readonly service: string | undefined;
  readonly route: string | undefined;
  readonly from: number;
  readonly to: number;
  readonly step: number;
}

export interface RedPoint {
  readonly t: number;
  /** Requests per second. */
  readonly rate: number;
  /** Share of errors (5xx for HTTP servers); null without requests. */
  readonly errorRatio: number | null;
  /** Seconds; null without requests. */
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
}

/** An exemplar in the window: the trace ID opens /request/<traceId>. */
export type RedExemplar = StoredExemplar;

export interface RedResult {
  readonly step: number;
  readonly points: RedPoint[];
  readonly exemplars: RedExemplar[];
}

/** Exemplars kept per point: the slowest, which are the ones worth opening. */
const EXEMPLARS_PER_POINT = 3;

/** Increases per point of the series that share one set of bucket bounds. */
class BoundsGroup {
  readonly bounds: number[];
  readonly counts: Float64Array;
  readonly buckets: Float64Array;

  constructor(bounds: number[], points: number) {
    this.bounds = bounds;
    this.counts = new Float64Array(points);
    this.buckets = new Float64Array(points * bounds.length);
  }
}

class Decoded {
  readonly #cache = new WeakMap<StoredSample, number[]>();

  of(sample: StoredSample): number[] {
    let values = this.#cache.get(sample);
    if (values === undefined) {
      values = decodeBuckets(sample.buckets, []);
      this.#cache.set(sample, values);
    }
    return values;
  }
}

export function redWindow(table: MetricsTable, query: RedQuery): RedResult {
  const { step } = query;
  // Points end at `to` and every step before it back to `from`, so that the newest scrape is always shown.
  const points = Math.floor((query.to - query.from) / step) + 1;
  const lastEnd = query.to;
  const first = lastEnd - (points - 1) * step;
  const counts = new Float64Array(points);
  const errors = new Float64Array(points);
  const groups = new Map<string, BoundsGroup>();
  const candidates: Array<Array<{ seriesId: number; t: number; value: number }>> = Array.from({ length: points }, () => []);
  const indexOf = (t: number): number => Math.min(points - 1, Math.max(0, Math.ceil((t - first) / step)));

  for (const series of table.series(query.metric, query.service, query.route)) {
    let group = groups.get(series.bounds);
    if (group === undefined) {
      group = new BoundsGroup(JSON.parse(series.bounds) as number[], points);
      groups.set(series.bounds, group);
    }
    addSeries(table, series, group, counts, errors, first, step, indexOf);
    for (const [t, value] of table.exemplarValues(series.id, first - step, lastEnd)) {
      const kept = candidates[indexOf(t)]!;
      if (kept.length < EXEMPLARS_PER_POINT || value > kept[kept.length - 1]!.value) {
        kept.push({ seriesId: series.id, t, value });
        kept.sort((a, b) => b.value - a.value);
        if (kept.length > EXEMPLARS_PER_POINT) kept.length = EXEMPLARS_PER_POINT;
      }
    }
  }

  const merged = mergeGroups([...groups.values()], points);
  const out: RedPoint[] = [];
  const seconds = step / 1000;
  for (let k = 0; k < points; k++) {
    const total = counts[k]!;
    const cumulative = merged.buckets.subarray(k * merged.bounds.length, (k + 1) * merged.bounds.length);
    const quantile = (q: number): number | null => (total > 0 ? histogramQuantile(q, merged.bounds, cumulative, total) : null);
    out.push({ t: first + k * step, rate: total / seconds, errorRatio: total > 0 ? errors[k]! / total : null, p50: quantile(0.5), p95: quantile(0.95), p99: quantile(0.99) });
  }
  return {
    step,
    points: out,
    exemplars: candidates
      .flat()
      .sort((a, b) => a.t - b.t)
      .flatMap(({ seriesId, t }) => table.exemplarAt(seriesId, t) ?? []),
  };
}

/**
 * The samples of one series a window needs, oldest first: the last sample of each step (one seek each,
 * however many samples the step holds), and every sample of a step that holds a break (a baseline or a
 * reset). Between two of them nothing breaks, so an increase is the later minus the earlier. When
 * nothing precedes the window, the series' first sample in it comes first: counting starts there.
 */
function neededSamples(table: MetricsTable, id: number, first: number, step: number, points: number, before: StoredSample | undefined): StoredSample[] {
  const needed: StoredSample[] = [];
  const push = (sample: StoredSample | undefined, stepStart: number): void => {
    if (sample !== undefined && sample.t > stepStart && sample.t !== needed.at(-1)?.t) needed.push(sample);
  };
  if (before === undefined) push(table.firstAfter(id, first - step), first - step);
  const broken = new Set(table.breaks(id, first - step, first + (points - 1) * step).map((t) => Math.ceil((t - first) / step)));
  for (let k = 0; k < points; k++) {
    const end = first + k * step;
    if (broken.has(k)) for (const sample of table.samples(id, end - step, end)) push(sample, end - step);
    else push(table.sampleAtOrBefore(id, end), end - step);
  }
  return needed;
}

/** Adds one series' increases to each point. */
function addSeries(
  table: MetricsTable,
  series: SeriesRow,
  group: BoundsGroup,
  counts: Float64Array,
  errors: Float64Array,
  first: number,
  step: number,
  indexOf: (t: number) => number,
): void {
  const decoded = new Decoded();
  const width = group.bounds.length;
  const isError = series.error === 1;
  const add = (k: number, to: StoredSample, from: StoredSample | undefined): void => {
    const count = to.count - (from?.count ?? 0);
    if (count <= 0) return;
    counts[k] = counts[k]! + count;
    group.counts[k] = group.counts[k]! + count;
    if (isError) errors[k] = errors[k]! + count;
    const now = decoded.of(to);
    const before = from === undefined ? undefined : decoded.of(from);
    for (let i = 0; i < width; i++) {
      const increase = (now[i] ?? 0) - (before?.[i] ?? 0);
      if (increase > 0) group.buckets[k * width + i] = group.buckets[k * width + i]! + increase;
    }
  };

  let previous = table.sampleAtOrBefore(series.id, first - step);
  for (const sample of neededSamples(table, series.id, first, step, counts.length, previous)) {
    if (previous !== undefined && sample.mark !== BASELINE) {
      const reset = sample.mark === RESET || sample.count < previous.count;
      add(indexOf(sample.t), sample, reset ? undefined : previous);
    }
    previous = sample;
  }
}

/** One bucket layout for the window: the union of the groups' bounds; a group's count at a bound it lacks is its count at the next lower bound. */
function mergeGroups(groups: BoundsGroup[], points: number): BoundsGroup {
  if (groups.length === 1) return groups[0]!;
  const bounds = [...new Set(groups.flatMap((group) => group.bounds))].sort((a, b) => a - b);
  const merged = new BoundsGroup(bounds, points);
  for (const group of groups) {
    const width = group.bounds.length;
    for (let k = 0; k < points; k++) {
      merged.counts[k] = merged.counts[k]! + group.counts[k]!;
      let j = -1;
      for (let i = 0; i < bounds.length; i++) {
        while (j + 1 < width && group.bounds[j + 1]! <= bounds[i]!) j++;
        if (j >= 0) merged.buckets[k * bounds.length + i] = merged.buckets[k * bounds.length + i]! + group.buckets[k * width + j]!;
      }
    }
  }
  return merged;
}
