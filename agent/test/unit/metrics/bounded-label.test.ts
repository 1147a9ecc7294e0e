// Label values from the outside world stay bounded.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BoundedLabel, OTHER } from '../../../dist/metrics/bounded-label.js';

describe('BoundedLabel', () => {
  it('keeps the first values and folds the rest into `other`', () => {
    const label = new BoundedLabel(50);
    const values = Array.from({ length: 10_000 }, (_, i) => label.value(`host-${i}.example:${i}`));
    assert.equal(new Set(values).size, 51);
    assert.equal(values[49], 'host-49.example:49');
    assert.equal(values[50], OTHER);
    assert.equal(label.value('host-3.example:3'), 'host-3.example:3', 'known values keep their series');
  });
});
