// prom-client's internals, reached into in two ways, both written for prom-client 15.1.3 (pinned
// in package.json) and checked once, when the agent's first traced histogram is made:
// - Its classes are loaded from their own files (prom-client/lib/*) rather than through the
//   package's index, which also loads the Pushgateway, and with it node:https and TLS, for a
//   feature the agent never uses. Should the files move, the index is loaded instead.
// - A histogram observation with a trace exemplar is written straight into the series the
//   histogram keeps (hashMap → sum, count, bucketValues, bucketExemplars), found by the key
//   prom-client would build (util.hashObject over sortedLabelNames), in one pass: prom-client's
//   observe with an exemplar builds a closure, checks every label name, builds the key and finds
//   the bucket twice (docs/performance.md has the figures). Rendering, reset and remove stay
//   prom-client's. What prom-client would check cannot fail here: the agent builds every label
//   set with the histogram's own names, and an exemplar is a trace and span ID (63 characters
//   against OpenMetrics' 128). A series' first observation, and any value that is not a finite
//   number, goes through prom-client's observe, which creates the series or throws as it would.
// When the version or the shape is not the expected one, observations go through prom-client's
// public observe, and one stderr line says so.
// Upstream: prom-client's development line keeps series in a LabelMap instead of hashMap (its
// exemplar code there: https://github.com/prometheus/client_js/issues/780), so the next major
// fails the check until this file follows it; an observe with an exemplar that builds the key
// and finds the bucket once would make the direct write unnecessary.
/* eslint-disable @typescript-eslint/no-require-imports */
import type * as PromClient from 'prom-client';
import { BoundedCache, type CacheLevel } from '../shared/bounded-cache.ts';
import { internalsUsable } from './check.ts';

const EXPECTED_VERSION = '15.1.3';

/** A histogram bucket's exemplar (exemplar.js); not in prom-client's declarations. */
export interface Exemplar {
  labelSet: object;
  value: number | null;
  timestamp?: number;
}

interface Library {
  readonly Registry: typeof PromClient.Registry;
  readonly Counter: typeof PromClient.Counter;
  readonly Gauge: typeof PromClient.Gauge;
  readonly Histogram: typeof PromClient.Histogram;
  readonly collectDefaultMetrics: typeof PromClient.collectDefaultMetrics;
  /** The key of a label set in a metric's series (util.js), when its file could be loaded. */
  readonly hashObject: ((labels: object, sortedLabelNames: readonly string[]) => string) | undefined;
  readonly Exemplar: (new () => Exemplar) | undefined;
}

function load(): Library {
  try {
    return {
      Registry: require('prom-client/lib/registry') as typeof PromClient.Registry,
      Counter: require('prom-client/lib/counter') as typeof PromClient.Counter,
      Gauge: require('prom-client/lib/gauge') as typeof PromClient.Gauge,
      Histogram: require('prom-client/lib/histogram') as typeof PromClient.Histogram,
      collectDefaultMetrics: require('prom-client/lib/defaultMetrics') as typeof PromClient.collectDefaultMetrics,
      hashObject: (require('prom-client/lib/util') as { hashObject: Library['hashObject'] }).hashObject,
      Exemplar: require('prom-client/lib/exemplar') as new () => Exemplar,
    };
  } catch {
    // Reported by the shape check below, which then finds hashObject missing.
    const index = require('prom-client') as typeof PromClient;
    return { ...index, hashObject: undefined, Exemplar: undefined };
  }
}

const library = load();
export const { Registry, Counter, Gauge, Histogram, collectDefaultMetrics } = library;
export type Registry<T extends PromClient.RegistryContentType = PromClient.PrometheusContentType> = PromClient.Registry<T>;
export type Counter<T extends string = string> = PromClient.Counter<T>;
export type Gauge<T extends string = string> = PromClient.Gauge<T>;
export type Histogram<T extends string = string> = PromClient.Histogram<T>;

/** The exemplar's labels: OpenMetrics allows 128 characters in all, and these are 63. */
export interface TraceExemplar {
  readonly trace_id: string;
  readonly span_id: string;
}

/** The parts of a histogram's series that observe writes. */
interface Series {
  sum: number;
  count: number;
  readonly bucketValues: Record<number, number>;
  readonly bucketExemplars: Record<number, Exemplar | null>;
}

interface HistogramState {
  readonly hashMap: Record<string, Series | undefined>;
  readonly upperBounds: readonly number[];
  readonly sortedLabelNames: readonly string[];
}

/**
 * What is missing or different in this prom-client for the direct write; undefined when all is
 * as written for. Observes one value on a histogram of its own and reads it back.
 */
export function histogramShapeProblem(lib: Pick<Library, 'Histogram' | 'hashObject' | 'Exemplar'> = library): string | undefined {
  const { hashObject, Exemplar: ExemplarClass } = lib;
  if (typeof hashObject !== 'function') return 'lib/util.js has no hashObject';
  if (typeof ExemplarClass !== 'function') return 'lib/exemplar.js is missing';
  const probe = new lib.Histogram({ name: 'threadline_probe', help: 'probe', labelNames: ['b', 'a'], buckets: [1, 2], enableExemplars: true, registers: [] });
  probe.observe({ labels: { a: 'x', b: 'y' }, value: 1.5, exemplarLabels: { a: 'e' } });
  const state = probe as unknown as Partial<HistogramState>;
  if (state.hashMap === null || typeof state.hashMap !== 'object') return 'a histogram has no hashMap';
  if (!Array.isArray(state.upperBounds) || state.upperBounds.join() !== '1,2') return 'a histogram has no upperBounds';
  if (!Array.isArray(state.sortedLabelNames) || state.sortedLabelNames.join() !== 'a,b') return 'a histogram has no sortedLabelNames';
  const series = state.hashMap[hashObject({ a: 'x', b: 'y' }, state.sortedLabelNames)] as Partial<Series> | undefined;
  if (series === undefined) return "hashObject's key does not find the series";
  if (series.sum !== 1.5 || series.count !== 1) return 'a series has no sum and count';
  if (series.bucketValues?.[2] !== 1) return 'a series has no bucketValues by upper bound';
  const exemplar = series.bucketExemplars?.[2];
  if (!(exemplar instanceof ExemplarClass) || exemplar.value !== 1.5 || (exemplar.labelSet as { a?: unknown }).a !== 'e') {
    return 'a series has no bucketExemplars by upper bound';
  }
  return undefined;
}

let usable: boolean | undefined;

/** Whether the direct write may be used in this process: checked once, reported once. */
export function directWriteUsable(): boolean {
  usable ??= internalsUsable({
    library: 'prom-client',
    expected: EXPECTED_VERSION,
    installed: (require('prom-client/package.json') as { version?: string }).version,
    patch: 'histogram observations written into its series',
    shape: () => histogramShapeProblem(),
  });
  return usable;
}

/** Series keys kept before the cache starts again: label values are bounded, but an app sets any status. */
const MAX_CACHED_KEYS = 10_000;

/** Observes into one histogram's series directly; `observe` returns false where prom-client must. */
export class DirectHistogramWriter<T extends string> {
  readonly #state: HistogramState;
  readonly #hashObject: NonNullable<Library['hashObject']>;
  readonly #Exemplar: NonNullable<Library['Exemplar']>;
  /** Label values, one level per label name in prom-client's order, down to the series key. */
  readonly #keys = new BoundedCache<string>(MAX_CACHED_KEYS);

  constructor(histogram: Histogram<T>) {
    this.#state = histogram as unknown as HistogramState;
    this.#hashObject = library.hashObject as NonNullable<Library['hashObject']>;
    this.#Exemplar = library.Exemplar as NonNullable<Library['Exemplar']>;
  }

  /** False when the series does not exist yet or the value is not finite: prom-client's observe then. */
  observe(labels: Readonly<Record<T, string | number>>, value: number, exemplar: TraceExemplar | undefined): boolean {
    const state = this.#state;
    const series = Number.isFinite(value) ? state.hashMap[this.#keyOf(labels)] : undefined;
    if (series === undefined) return false;
    const bounds = state.upperBounds;
    // prom-client's bucket key for a value above every bound, where only the exemplar is kept.
    let bound = -1;
    for (let i = 0; i < bounds.length; i++) {
      const upper = bounds[i] as number;
      if (value <= upper) {
        bound = upper;
        break;
      }
    }
    series.sum += value;
    series.count += 1;
    if (bound !== -1) series.bucketValues[bound] = (series.bucketValues[bound] ?? 0) + 1;
    if (exemplar === undefined) return true;
    let slot = series.bucketExemplars[bound];
    if (slot === null || slot === undefined) {
      slot = new this.#Exemplar();
      series.bucketExemplars[bound] = slot;
    }
    slot.labelSet = exemplar;
    slot.value = value;
    slot.timestamp = Date.now() / 1000;
    return true;
  }

  /** prom-client's key for these label values, built on their first use. */
  #keyOf(labels: Readonly<Record<string, unknown>>): string {
    const names = this.#state.sortedLabelNames;
    const last = names.length - 1;
    const keys = this.#keys;
    let level: CacheLevel = keys.top;
    for (let i = 0; i < last; i++) level = keys.level(level, labels[names[i] as string]);
    const value = last < 0 ? undefined : labels[names[last] as string];
    return keys.get(value, level) ?? keys.set(value, this.#hashObject(labels, names), level);
  }
}
