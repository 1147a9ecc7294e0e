import assert from 'node:assert/strict';
import { test } from 'node:test';
import { histogramQuantile } from '../../src/store/metrics-quantile.ts';

const bounds = [0.1, 0.5, 1];

test('linear interpolation inside the bucket the rank falls in, as histogram_quantile', () => {
  // 10 in (0, 0.1], 10 in (0.1, 0.5], 0 in (0.5, 1], 0 above.
  assert.equal(histogramQuantile(0.5, bounds, [10, 20, 20], 20), 0.1);
  assert.ok(Math.abs(histogramQuantile(0.75, bounds, [10, 20, 20], 20)! - 0.3) < 1e-12);
  assert.ok(Math.abs(histogramQuantile(0.25, bounds, [10, 20, 20], 20)! - 0.05) < 1e-12);
});

test('a rank in the +Inf bucket answers the highest finite bound; nothing to rank answers null', () => {
  assert.equal(histogramQuantile(0.99, bounds, [0, 0, 1], 10), 1);
  assert.equal(histogramQuantile(0.5, bounds, [0, 0, 0], 0), null);
  assert.equal(histogramQuantile(0.5, [], [], 5), null);
});

test('a lowest bucket with a bound at or below zero answers that bound', () => {
  assert.equal(histogramQuantile(0.5, [-1, 1], [4, 4], 4), -1);
});
