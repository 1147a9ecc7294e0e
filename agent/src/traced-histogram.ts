// A histogram observation with a trace exemplar, in one pass over prom-client's own series.
// prom-client's observe with an exemplar builds a closure, checks every label name, builds the
// label set's key string and finds the bucket, then builds the key and finds the bucket again for
// the exemplar, whose labels it validates through Object.entries: 700 ns an observation in a loop,
// against 145 ns here. The key of each set of label values is built once and kept; the bucket is
// found once; both are written into the series prom-client keeps, so rendering, reset and remove
// stay prom-client's. What prom-client would check cannot fail here: the agent builds every label
// set with the histogram's own names, and an exemplar is a trace and span ID (63 characters
// against OpenMetrics' 128). A series' first observation, and any value that is not a finite
// number, goes through prom-client's observe, which creates the series or throws as it always did.
import { Exemplar, hashObject, type Histogram } from './prom-client-lib.ts';

/** The exemplar's labels: OpenMetrics allows 128 characters in all, and these are 63. */
export interface TraceExemplar {
  readonly trace_id: string;
  readonly span_id: string;
}

/** The parts of prom-client 15's histogram state that observe writes (pinned version; tests compare). */
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

/** Label values, one level per label name in prom-client's order, down to the series key. */
type KeyTree = Map<unknown, KeyTree | string>;

/** Keys kept before the tree starts again: label values are bounded, but an app sets any status. */
const MAX_CACHED_KEYS = 10_000;

export class TracedHistogram<T extends string> {
  readonly #histogram: Histogram<T>;
  readonly #state: HistogramState;
  #keys: KeyTree = new Map();
  #cachedKeys = 0;

  constructor(histogram: Histogram<T>) {
    this.#histogram = histogram;
    this.#state = histogram as unknown as HistogramState;
  }

  observe(labels: Readonly<Record<T, string | number>>, value: number, exemplar: TraceExemplar | undefined): void {
    const state = this.#state;
    const series = Number.isFinite(value) ? state.hashMap[this.#keyOf(labels)] : undefined;
    if (series === undefined) {
      // prom-client declares exemplar labels with the metric's own label names; they are free-form.
      this.#histogram.observe({ labels, value, exemplarLabels: (exemplar ?? {}) as Partial<Record<T, string>> });
      return;
    }
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
    if (exemplar === undefined) return;
    let slot = series.bucketExemplars[bound];
    if (slot === null || slot === undefined) {
      slot = new Exemplar();
      series.bucketExemplars[bound] = slot;
    }
    slot.labelSet = exemplar;
    slot.value = value;
    slot.timestamp = Date.now() / 1000;
  }

  /** prom-client's key for these label values, built on their first use. */
  #keyOf(labels: Readonly<Record<string, unknown>>): string {
    const names = this.#state.sortedLabelNames;
    const last = names.length - 1;
    let node = this.#keys;
    for (let i = 0; i < last; i++) {
      const value = labels[names[i] as string];
      let next = node.get(value) as KeyTree | undefined;
      if (next === undefined) {
        next = new Map();
        node.set(value, next);
      }
      node = next;
    }
    const value = last < 0 ? undefined : labels[names[last] as string];
    let key = node.get(value) as string | undefined;
    if (key === undefined) {
      key = hashObject(labels, names);
      if (this.#cachedKeys >= MAX_CACHED_KEYS) {
        this.#keys = new Map();
        this.#cachedKeys = 0;
      } else {
        node.set(value, key);
        this.#cachedKeys++;
      }
    }
    return key;
  }
}
