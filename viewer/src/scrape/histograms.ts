// A scrape's histograms of the chosen families, one per label set: the `_bucket` lines (by `le`), `_count`,
// `_sum` and the buckets' exemplars gathered together. A histogram whose buckets do not make sense
// (no upper bound, counts falling as `le` rises) is rejected with its reason; the others are kept.
import { parseFloatToken, type Exposition, type Exemplar } from './exposition.ts';

export interface BucketExemplar extends Exemplar {
  /** The upper bound of the bucket it was seen in. */
  readonly le: number;
}

export interface Histogram {
  readonly family: string;
  /** The series' labels, without `le`. */
  readonly labels: Readonly<Record<string, string>>;
  /** Finite upper bounds, ascending. */
  readonly bounds: number[];
  /** Cumulative counts, one per finite bound; the +Inf bucket is `count`. */
  readonly buckets: number[];
  readonly count: number;
  readonly sum: number;
  readonly exemplars: BucketExemplar[];
}

export interface Histograms {
  readonly histograms: Histogram[];
  /** Why histograms were left out, one reason each. */
  readonly rejected: string[];
}

const SUFFIXES = ['_bucket', '_count', '_sum', '_created'] as const;

interface Gathering {
  family: string;
  labels: Record<string, string>;
  buckets: Map<number, number>;
  count: number | undefined;
  sum: number | undefined;
  exemplars: BucketExemplar[];
  problem: string | undefined;
}

/** A stable key for a label set. */
export function labelKey(labels: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.keys(labels).sort().map((name) => [name, labels[name]]));
}

function splitName(name: string, families: ReadonlySet<string>): { family: string; suffix: (typeof SUFFIXES)[number] } | undefined {
  for (const suffix of SUFFIXES) {
    if (name.endsWith(suffix)) {
      const family = name.slice(0, -suffix.length);
      if (families.has(family)) return { family, suffix };
    }
  }
  return undefined;
}

export function gatherHistograms(exposition: Exposition, families: ReadonlySet<string>): Histograms {
  const gathering = new Map<string, Gathering>();
  for (const sample of exposition.samples) {
    const split = splitName(sample.name, families);
    if (split === undefined || split.suffix === '_created') continue;
    const le = sample.labels.le;
    // The key is built from the labels but le without copying them: this runs for every bucket line.
    const names = Object.keys(sample.labels).sort();
    let key = split.family;
    for (const name of names) if (name !== 'le') key += `\u0000${name}\u0001${sample.labels[name]}`;
    let entry = gathering.get(key);
    if (entry === undefined) {
      const { le: _le, ...labels } = sample.labels;
      entry = { family: split.family, labels, buckets: new Map(), count: undefined, sum: undefined, exemplars: [], problem: undefined };
      gathering.set(key, entry);
    }
    if (split.suffix === '_bucket') {
      const bound = le === undefined ? undefined : parseFloatToken(le);
      if (bound === undefined || Number.isNaN(bound)) entry.problem ??= `a ${sample.name} line has le=${JSON.stringify(le ?? '')}, not a number`;
      else if (entry.buckets.has(bound)) entry.problem ??= `${sample.name} has two buckets with le="${le}"`;
      else {
        entry.buckets.set(bound, sample.value);
        if (sample.exemplar !== undefined) entry.exemplars.push({ ...sample.exemplar, le: bound });
      }
    } else if (split.suffix === '_count') {
      entry.count = sample.value;
    } else {
      entry.sum = sample.value;
    }
  }
  const histograms: Histogram[] = [];
  const rejected: string[] = [];
  for (const entry of gathering.values()) {
    const result = finish(entry);
    if (typeof result === 'string') rejected.push(`${entry.family}${labelKey(entry.labels)}: ${result}`);
    else histograms.push(result);
  }
  return { histograms, rejected };
}

function finish(entry: Gathering): Histogram | string {
  if (entry.problem !== undefined) return entry.problem;
  const finite = [...entry.buckets].filter(([bound]) => bound !== Infinity).sort(([a], [b]) => a - b);
  const count = entry.count ?? entry.buckets.get(Infinity);
  if (count === undefined) return 'neither a +Inf bucket nor a _count';
  const values = [...finite.map(([, value]) => value), count];
  if (values.some((value) => !Number.isFinite(value) || value < 0)) return 'a bucket count or the _count is negative or not finite';
  for (let i = 1; i < values.length; i++) {
    if (values[i]! < values[i - 1]!) return 'bucket counts fall as le rises: buckets must be cumulative';
  }
  const sum = entry.sum ?? 0;
  return {
    family: entry.family,
    labels: entry.labels,
    bounds: finite.map(([bound]) => bound),
    buckets: finite.map(([, value]) => value),
    count,
    sum: Number.isFinite(sum) ? sum : 0,
    exemplars: entry.exemplars,
  };
}

/** The `target_info` series' labels (OpenTelemetry's resource attributes on a Prometheus endpoint), if any. */
export function targetInfo(exposition: Exposition): Readonly<Record<string, string>> | undefined {
  return exposition.samples.find((sample) => sample.name === 'target_info')?.labels;
}
