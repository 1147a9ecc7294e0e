import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import fc from 'fast-check';
import { seriesIdentity } from '../../src/store/metrics-red.ts';
import type { SampleRecord, SeriesRecord } from '../../src/store/metrics-table.ts';
import { redWindow } from '../../src/store/metrics-window.ts';
import { metricsFixture, type MetricsFixture } from './metrics-fixture.ts';

const METRIC = 'http_server_request_duration_seconds';
const BOUNDS = [0.1, 0.5, 1];
const T0 = 1_700_000_000_000;
let fixture: MetricsFixture;

beforeEach(() => {
  fixture = metricsFixture();
});
afterEach(() => fixture.dispose());

function series(route: string, status: string, service = 'shop', bounds = BOUNDS, target = '127.0.0.1:9464'): SeriesRecord {
  const labels = { http_route: route, http_request_method: 'GET', http_response_status_code: status, service };
  return { ...seriesIdentity(METRIC, service, labels), target, labels, bounds };
}

function sample(t: number, buckets: number[], count: number, baseline = false): SampleRecord {
  return { t, buckets, count, sum: 0, baseline };
}

function insert(record: SeriesRecord, samples: SampleRecord[], exemplars: Array<{ t: number; traceId: string; value: number }> = []): void {
  fixture.metrics.insert({ entries: [{ series: record, samples, exemplars: exemplars.map((e) => ({ ...e, spanId: '00f067aa0ba902b7' })) }] });
}

const query = (overrides: Partial<Parameters<typeof redWindow>[1]> = {}) =>
  redWindow(fixture.metrics, { metric: METRIC, service: 'shop', route: undefined, from: T0, to: T0 + 30_000, step: 10_000, ...overrides });

test('rate, error ratio and quantiles per step from the increases between samples', () => {
  // 200s: +10 fast requests in the first step, +10 slow (0.5–1 s) in the second, none in the third.
  insert(series('/a', '200'), [sample(T0, [0, 0, 0], 0, true), sample(T0 + 5000, [5, 5, 5], 5), sample(T0 + 10_000, [10, 10, 10], 10), sample(T0 + 20_000, [10, 10, 20], 20)]);
  // 500s: +10 in the first step.
  insert(series('/a', '500'), [sample(T0, [0, 0, 0], 0, true), sample(T0 + 10_000, [0, 10, 10], 10)]);
  const { points, step } = query();
  assert.equal(step, 10_000);
  assert.deepEqual(points.map((p) => p.t), [T0, T0 + 10_000, T0 + 20_000, T0 + 30_000]);
  // The first point covers (T0 - 10 s, T0]: only the baseline, so nothing.
  assert.equal(points[0]!.rate, 0);
  assert.equal(points[0]!.p50, null);
  assert.equal(points[0]!.errorRatio, null);
  assert.equal(points[1]!.rate, 2);
  assert.equal(points[1]!.errorRatio, 0.5);
  // 10 in (0, 0.1] and 10 in (0.1, 0.5]: the median is at 0.1, p95 inside (0.1, 0.5].
  assert.equal(points[1]!.p50, 0.1);
  assert.ok(Math.abs(points[1]!.p95! - (0.1 + 0.4 * 0.9)) < 1e-9);
  assert.equal(points[2]!.rate, 1);
  assert.equal(points[2]!.errorRatio, 0);
  assert.ok(points[2]!.p50! > 0.5 && points[2]!.p99! <= 1);
  assert.equal(points[3]!.rate, 0);
  assert.equal(query({ route: '/a' }).points[1]!.rate, 2);
  assert.equal(query({ route: '/b' }).points[1]!.rate, 0);
  assert.equal(query({ service: 'other' }).points[1]!.rate, 0);
});

test('a counter reset counts the new value as the increase; a baseline sample adds nothing', () => {
  insert(series('/a', '200'), [
    sample(T0, [0, 0, 100], 100, true),
    sample(T0 + 5000, [0, 0, 110], 110),
    // The service restarted: the count fell.
    sample(T0 + 8000, [0, 0, 4], 4),
    // The viewer restarted: counting starts again from here, whatever the count.
    sample(T0 + 15_000, [0, 0, 500], 500, true),
    sample(T0 + 25_000, [0, 0, 503], 503),
  ]);
  const { points } = query();
  assert.equal(points[1]!.rate * 10, 10 + 4);
  assert.equal(points[2]!.rate, 0);
  assert.equal(points[3]!.rate * 10, 3);
});

test('a series stored only when it changed has the right rate across the gaps', () => {
  insert(series('/idle', '200'), [sample(T0 - 60_000, [1, 1, 1], 1, true), sample(T0 + 25_000, [3, 3, 3], 3)]);
  const { points } = query();
  assert.deepEqual(points.map((p) => p.rate * 10), [0, 0, 0, 2]);
});

test('a series born between scrapes counts from its zero sample; the oldest kept sample of a series is only a start', () => {
  insert(series('/new', '200'), [sample(T0 + 5000, [0, 0, 0], 0), sample(T0 + 10_000, [2, 2, 2], 2)]);
  // A series whose earlier samples retention removed: its first sample must not count as increase.
  insert(series('/old', '200'), [sample(T0 + 12_000, [900, 900, 900], 900), sample(T0 + 18_000, [901, 901, 901], 901)]);
  const { points } = query();
  assert.equal(points[1]!.rate * 10, 2);
  assert.equal(points[2]!.rate * 10, 1);
});

test('series with different bucket bounds merge onto the union of the bounds', () => {
  insert(series('/a', '200', 'shop', [0.1, 1]), [sample(T0, [0, 0], 0, true), sample(T0 + 10_000, [10, 10], 10)]);
  insert(series('/b', '200', 'shop', [0.5]), [sample(T0, [0], 0, true), sample(T0 + 10_000, [10], 10)]);
  const point = query().points[1]!;
  assert.equal(point.rate, 2);
  // Counts at 0.1, 0.5, 1: 10 (only /a's), 20 (/a's 10 at 0.1 and /b's 10), 20.
  assert.equal(point.p50, 0.1);
  assert.ok(point.p95! > 0.1 && point.p95! <= 0.5);
});

test('exemplars in the window: the slowest three in each point, across series, with the trace ID that opens the request', () => {
  insert(series('/a', '200'), [sample(T0, [0, 0, 0], 0, true)], [
    { t: T0 + 1000, traceId: 'a'.repeat(32), value: 0.01 },
    { t: T0 + 2000, traceId: 'b'.repeat(32), value: 0.9 },
    { t: T0 + 12_000, traceId: 'f'.repeat(32), value: 0.05 },
    { t: T0 + 40_000, traceId: 'e'.repeat(32), value: 0.2 },
  ]);
  insert(series('/b', '200'), [sample(T0, [0, 0, 0], 0, true)], [
    { t: T0 + 3000, traceId: 'c'.repeat(32), value: 0.5 },
    { t: T0 + 4000, traceId: 'd'.repeat(32), value: 0.2 },
  ]);
  const { exemplars } = query();
  assert.deepEqual(exemplars.map((e) => e.traceId[0]), ['b', 'c', 'd', 'f']);
  assert.deepEqual(exemplars[0], { t: T0 + 2000, value: 0.9, traceId: 'b'.repeat(32), spanId: '00f067aa0ba902b7', service: 'shop', route: '/a' });
});

test('deleteBefore removes old samples and exemplars in chunks, and series left empty; oldestMs follows', () => {
  const a = series('/a', '200');
  insert(a, [sample(T0, [0, 0, 0], 0, true), sample(T0 + 5000, [1, 1, 1], 1), sample(T0 + 10_000, [2, 2, 2], 2)], [{ t: T0, traceId: 'a'.repeat(32), value: 0.1 }]);
  insert(series('/gone', '200'), [sample(T0, [0, 0, 0], 0, true)]);
  assert.equal(fixture.metrics.oldestMs(), T0);
  assert.equal(fixture.metrics.deleteBefore(T0 + 6000, 2), 2);
  assert.equal(fixture.metrics.deleteBefore(T0 + 6000, 100), 1);
  assert.equal(fixture.count('metric_samples'), 1);
  assert.equal(fixture.count('metric_exemplars'), 0);
  assert.equal(fixture.count('metric_series'), 1);
  assert.equal(fixture.metrics.oldestMs(), T0 + 10_000);
  // The table still writes after series were dropped (its ID cache is cleared).
  insert(series('/gone', '200'), [sample(T0 + 20_000, [1, 1, 1], 1, true)]);
  assert.equal(fixture.count('metric_series'), 2);
  assert.deepEqual(fixture.metrics.routes(METRIC, 'shop'), ['/a', '/gone']);
});

test('property: the increases per step equal a naive walk over every pair of consecutive samples', () => {
  const sequence = fc.array(fc.record({ gap: fc.integer({ min: 1, max: 9000 }), add: fc.nat({ max: 20 }), reset: fc.boolean(), baseline: fc.boolean() }), { minLength: 1, maxLength: 60 });
  let run = 0;
  fc.assert(
    fc.property(sequence, fc.integer({ min: 1000, max: 40_000 }), fc.integer({ min: 0, max: 200_000 }), fc.integer({ min: 1000, max: 200_000 }), (steps, step, fromOffset, span) => {
      const record = series(`/p${run++}`, '200');
      const rows: SampleRecord[] = [];
      let t = T0;
      let count = 0;
      for (const item of steps) {
        t += item.gap;
        // A reset falls to a smaller count (never zero increase from a reset alone).
        count = item.reset && count > 0 ? Math.floor(count / 2) : count + item.add;
        rows.push(sample(t, [count, count, count], count, item.baseline && rows.length > 0 && !item.reset));
      }
      insert(record, rows);
      const from = T0 + fromOffset;
      const to = from + span;
      const { points } = query({ route: record.route, from, to, step });
      const naive = new Array<number>(points.length).fill(0);
      const first = points[0]!.t;
      for (let i = 1; i < rows.length; i++) {
        const [a, b] = [rows[i - 1]!, rows[i]!];
        if (b.t <= first - step || b.t > to) continue;
        const k = Math.ceil((b.t - first) / step);
        naive[k]! += b.baseline ? 0 : b.count < a.count ? b.count : b.count - a.count;
      }
      assert.deepEqual(points.map((p) => Math.round((p.rate * step) / 1000)), naive);
    }),
    { numRuns: 300 },
  );
});
