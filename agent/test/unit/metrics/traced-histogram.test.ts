import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import fc from 'fast-check';
import { DURATION_BUCKETS } from '../../../dist/metrics/agent-metrics.js';
import type { RegistryContentType } from 'prom-client';
import { Histogram, Registry } from '../../../dist/internals/prom-client.js';
import { TracedHistogram, type TraceExemplar } from '../../../dist/metrics/traced-histogram.js';

type Label = 'http_request_method' | 'http_route' | 'http_response_status_code';
type Labels = Record<Label, string | number>;
interface Observation {
  readonly labels: Labels;
  readonly value: number;
  readonly exemplar: TraceExemplar | undefined;
}

/** An OpenMetrics registry (prom-client keeps exemplars only there) holding one histogram. */
function histogramIn(registry: Registry<RegistryContentType>): Histogram<Label> {
  registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  return new Histogram<Label>({
    name: 'http_server_request_duration_seconds',
    help: 'Duration.',
    labelNames: ['http_request_method', 'http_route', 'http_response_status_code'],
    buckets: DURATION_BUCKETS,
    enableExemplars: true,
    registers: [registry],
  });
}

/** A traced histogram on its own registry, with the prom-client histogram beneath it. */
function traced(): { registry: Registry<RegistryContentType>; prom: Histogram<Label>; histogram: TracedHistogram<Label> } {
  const registry = new Registry<RegistryContentType>();
  const prom = histogramIn(registry);
  return { registry, prom, histogram: new TracedHistogram(prom) };
}

const HELLO: Labels = { http_request_method: 'GET', http_route: '/hello', http_response_status_code: 200 };

/** The same observations through prom-client's observe and through the one-pass path, rendered as OpenMetrics. */
async function renderBoth(observations: readonly Observation[]): Promise<[string, string]> {
  const registries = [new Registry<RegistryContentType>(), new Registry<RegistryContentType>()];
  const [reference, fast] = registries.map(histogramIn) as [Histogram<Label>, Histogram<Label>];
  const onePass = new TracedHistogram(fast);
  for (const o of observations) {
    reference.observe({ labels: o.labels, value: o.value, exemplarLabels: (o.exemplar ?? {}) as Partial<Labels> });
    onePass.observe(o.labels, o.value, o.exemplar);
  }
  return [await registries[0]!.metrics(), await registries[1]!.metrics()];
}

const hex = (length: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${length}}$`));
const observation: fc.Arbitrary<Observation> = fc.record({
  labels: fc.record({
    http_request_method: fc.constantFrom('GET', 'POST', '_OTHER'),
    http_route: fc.constantFrom('/hello', '/orders/:id', 'unmatched'),
    http_response_status_code: fc.constantFrom(200, 404, 503, 'error'),
  }),
  // Every bound exactly, either side of it, zero, and past the last bound (+Inf only).
  value: fc.oneof(fc.constantFrom(0, ...DURATION_BUCKETS, 11, 1e6), fc.double({ min: 0, max: 20, noNaN: true })),
  exemplar: fc.option(fc.record({ trace_id: hex(32), span_id: hex(16) }), { nil: undefined }),
});

describe('TracedHistogram', () => {
  it('records what prom-client records: counts, sums, buckets and each bucket’s latest exemplar', async () => {
    mock.timers.enable({ apis: ['Date'], now: 1_700_000_000_123 });
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(observation, { minLength: 1, maxLength: 60 }), async (observations) => {
          const [reference, fast] = await renderBoth(observations);
          assert.equal(fast, reference);
        }),
        { numRuns: 200 },
      );
    } finally {
      mock.timers.reset();
    }
  });

  it('stamps each exemplar with the time of its observation', async () => {
    const { registry, histogram } = traced();
    const exemplar = { trace_id: 'a'.repeat(32), span_id: 'b'.repeat(16) };
    mock.timers.enable({ apis: ['Date'], now: 1_700_000_000_000 });
    try {
      histogram.observe(HELLO, 0.001, exemplar);
      mock.timers.tick(2_500);
      histogram.observe(HELLO, 0.002, { trace_id: 'c'.repeat(32), span_id: 'd'.repeat(16) });
    } finally {
      mock.timers.reset();
    }
    const bucket = (await registry.metrics()).split('\n').find((line) => line.includes('le="0.005"'));
    assert.match(bucket ?? '', /\} 2 # \{trace_id="c{32}",span_id="d{16}"\} 0\.002 1700000002\.5$/);
  });

  it('keeps recording after the registry is reset and after a series is removed', async () => {
    const { registry, prom, histogram } = traced();
    const count = async () => /_count\{[^}]*\} (\d+)/.exec(await registry.metrics())?.[1];
    histogram.observe(HELLO, 0.01, undefined);
    histogram.observe(HELLO, 0.01, undefined);
    assert.equal(await count(), '2');
    registry.resetMetrics();
    histogram.observe(HELLO, 0.01, undefined);
    assert.equal(await count(), '1');
    prom.remove(HELLO);
    histogram.observe(HELLO, 0.01, undefined);
    histogram.observe(HELLO, 0.01, undefined);
    assert.equal(await count(), '2');
  });

  it('refuses a value that is not a finite number, as prom-client does, and records nothing', async () => {
    const { registry, histogram } = traced();
    histogram.observe(HELLO, 0.01, undefined);
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => histogram.observe(HELLO, value, undefined), /Value is not a valid number/);
    }
    assert.match(await registry.metrics(), /_count\{[^}]*\} 1\n/);
  });

  it('counts every series right when more label values come than it keeps keys for', async () => {
    const { registry, histogram } = traced();
    // 12,000 distinct status codes, each observed twice, the second time once the keys have started again.
    for (let pass = 0; pass < 2; pass++) {
      for (let status = 0; status < 12_000; status++) {
        histogram.observe({ ...HELLO, http_response_status_code: status }, 0.01, undefined);
      }
    }
    const counts = (await registry.metrics()).split('\n').filter((line) => line.includes('_count{'));
    assert.equal(counts.length, 12_000);
    assert.ok(counts.every((line) => line.endsWith(' 2')));
  });

  it('takes a number and its string as the same label value, as prom-client does', async () => {
    const { registry, histogram } = traced();
    histogram.observe(HELLO, 0.01, undefined);
    histogram.observe({ ...HELLO, http_response_status_code: '200' }, 0.01, undefined);
    assert.match(await registry.metrics(), /_count\{[^}]*http_response_status_code="200"[^}]*\} 2\n/);
  });
});
