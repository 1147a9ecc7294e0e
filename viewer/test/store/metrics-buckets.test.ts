import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { decodeBuckets, encodeBuckets } from '../../src/store/metrics-buckets.ts';

test('whole cumulative counts take a byte or two each', () => {
  const encoded = encodeBuckets([0, 3, 3, 200, 70_000]);
  assert.equal(encoded[0], 0);
  assert.ok(encoded.length <= 1 + 1 + 1 + 1 + 2 + 3);
  assert.deepEqual(decodeBuckets(encoded, []), [0, 3, 3, 200, 70_000]);
  assert.deepEqual(decodeBuckets(encodeBuckets([]), []), []);
});

test('property: any counts round-trip, whole or not', () => {
  const whole = fc.array(fc.nat({ max: 2 ** 40 }), { maxLength: 30 }).map((steps) => {
    let total = 0;
    return steps.map((step) => (total += step));
  });
  const any = fc.array(fc.double({ noNaN: true }), { maxLength: 30 });
  fc.assert(
    fc.property(fc.oneof(whole, any), (counts) => {
      const reused = [99, 98];
      // -0 is a whole count and comes back as 0.
      assert.deepEqual(decodeBuckets(encodeBuckets(counts), reused), counts.map((value) => (Object.is(value, -0) ? 0 : value)));
    }),
    { numRuns: 1000 },
  );
});
