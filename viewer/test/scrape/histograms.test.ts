import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseExposition } from '../../src/scrape/exposition.ts';
import { gatherHistograms, targetInfo } from '../../src/scrape/histograms.ts';

const families = new Set(['h']);

function gather(text: string) {
  return gatherHistograms(parseExposition(text, { openMetrics: false }), families);
}

test('buckets, count, sum and exemplars of one label set come together, without le', () => {
  const { histograms, rejected } = gather([
    'h_bucket{route="/a",le="0.5"} 2 # {trace_id="ab"} 0.3 1700000000',
    'h_bucket{route="/a",le="0.1"} 1',
    'h_bucket{route="/a",le="+Inf"} 3',
    'h_count{route="/a"} 3',
    'h_sum{route="/a"} 1.25',
    'h_created{route="/a"} 1',
    'h_bucket{route="/b",le="1"} 1',
    'h_count{route="/b"} 1',
    'other_bucket{le="1"} 5',
  ].join('\n'));
  assert.deepEqual(rejected, []);
  assert.equal(histograms.length, 2);
  const a = histograms[0]!;
  assert.deepEqual(a.labels, { route: '/a' });
  assert.deepEqual(a.bounds, [0.1, 0.5]);
  assert.deepEqual(a.buckets, [1, 2]);
  assert.equal(a.count, 3);
  assert.equal(a.sum, 1.25);
  assert.equal(a.exemplars.length, 1);
  assert.equal(a.exemplars[0]!.le, 0.5);
  assert.equal(histograms[1]!.sum, 0);
});

test('a +Inf bucket stands in for a missing _count', () => {
  const { histograms } = gather('h_bucket{le="1"} 1\nh_bucket{le="+Inf"} 4\n');
  assert.equal(histograms[0]!.count, 4);
});

test('histograms that make no sense are rejected with a reason; the others stay', () => {
  const { histograms, rejected } = gather([
    'h_bucket{r="falls",le="0.1"} 5',
    'h_bucket{r="falls",le="1"} 2',
    'h_count{r="falls"} 5',
    'h_bucket{r="nole"} 1',
    'h_bucket{r="nocount",le="1"} 1',
    'h_bucket{r="neg",le="1"} -1',
    'h_count{r="neg"} 1',
    'h_count{r="ok"} 0',
  ].join('\n'));
  assert.deepEqual(histograms.map((h) => h.labels.r), ['ok']);
  assert.equal(rejected.length, 4);
  assert.match(rejected.join('\n'), /must be cumulative/);
  assert.match(rejected.join('\n'), /le="", not a number/);
  assert.match(rejected.join('\n'), /neither a \+Inf bucket nor a _count/);
  assert.match(rejected.join('\n'), /negative/);
});

test('target_info gives its labels', () => {
  assert.deepEqual({ ...targetInfo(parseExposition('target_info{service_name="shop"} 1\n', { openMetrics: false }))! }, { service_name: 'shop' });
});
