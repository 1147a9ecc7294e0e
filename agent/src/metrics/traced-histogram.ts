// A histogram observation with a trace exemplar. prom-client's own observe with an exemplar
// costs several times the rest of recording a request, so the agent writes into prom-client's
// series directly where internals/prom-client.ts finds them as expected, and otherwise (and
// for a series' first observation) observes through prom-client's public API.
import { DirectHistogramWriter, directWriteUsable, type Histogram, type TraceExemplar } from '../internals/prom-client.ts';

export type { TraceExemplar };

export class TracedHistogram<T extends string> {
  readonly #histogram: Histogram<T>;
  readonly #direct: DirectHistogramWriter<T> | undefined;

  /** @param direct false to use prom-client's public observe only (the tests compare both). */
  constructor(histogram: Histogram<T>, direct = directWriteUsable()) {
    this.#histogram = histogram;
    this.#direct = direct ? new DirectHistogramWriter(histogram) : undefined;
  }

  observe(labels: Readonly<Record<T, string | number>>, value: number, exemplar: TraceExemplar | undefined): void {
    if (this.#direct?.observe(labels, value, exemplar) === true) return;
    // prom-client declares exemplar labels with the metric's own label names; they are free-form.
    this.#histogram.observe({ labels, value, exemplarLabels: (exemplar ?? {}) as Partial<Record<T, string>> });
  }
}
