import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { testViewer } from '../helpers/viewer.ts';
import type { LogRow } from '../../src/store/rows.ts';

function lines(count: number, startMs: number, tag: string): LogRow[] {
  return Array.from({ length: count }, (_, i) => ({
    timeNs: BigInt(startMs + i) * 1_000_000n,
    service: 'svc',
    level: 'info',
    msg: `${tag} ${i}`,
    traceId: null,
    spanId: null,
    correlationId: null,
    // Random, so that compression cannot shrink it under the bound.
    line: `${tag} ${i} ${randomBytes(200).toString('hex')}`,
  }));
}

describe('retention', () => {
  it('past the size bound, the oldest lines go and the newest stay, and the evictions are counted', async () => {
    const maxBytes = 16 * 1024 ** 2;
    const viewer = await testViewer({ maxBytes });
    try {
      const start = Date.now() - 3_600_000;
      for (let batch = 0; batch < 10; batch++) await viewer.store.writeLogs(lines(10_000, start + batch * 10_000, `batch${batch}`));
      // 100,000 lines of 420 random characters: well over the bound (a trim may already have run during the writes).
      await viewer.store.retention.enforce();
      assert.ok(viewer.store.usedBytes() <= maxBytes, `${viewer.store.usedBytes()} bytes left, bound ${maxBytes}`);
      const oldest = viewer.store.logs.find({ afterId: 0, limit: 1 })[0]!;
      const newest = viewer.store.logs.find({ limit: 1 })[0]!;
      assert.equal(newest.msg, 'batch9 9999');
      assert.notEqual(oldest.msg, 'batch0 0');
      const left = viewer.counts().logs;
      assert.ok(left < 100_000 && left > 0, `${left} lines left`);
      assert.equal(viewer.store.counters.get('logs_evicted'), 100_000 - left);
      const first = 100_000 - left;
      assert.equal(oldest.msg, `batch${Math.floor(first / 10_000)} ${first % 10_000}`, 'what is left is the newest lines, every one of them');
      const stats = await viewer.get<{ counters: Record<string, number> }>('/api/stats');
      assert.equal(stats.counters.logs_evicted, 100_000 - left);
    } finally {
      await viewer.dispose();
    }
  });

  it('drops what is older than the age bound and keeps the rest', async () => {
    const viewer = await testViewer({ maxAgeMs: 3_600_000 });
    try {
      // Two commits, so two blocks: a block goes whole, once its newest line is past the bound.
      await viewer.store.writeLogs(lines(5, Date.now() - 7_200_000, 'old'));
      await viewer.store.writeLogs(lines(5, Date.now() - 60_000, 'new'));
      await viewer.store.retention.enforce();
      const left = viewer.store.logs.find({ limit: 100 }).map((line) => line.msg);
      assert.deepEqual(left, ['new 0', 'new 1', 'new 2', 'new 3', 'new 4']);
      assert.equal(viewer.store.counters.get('logs_evicted'), 5);
    } finally {
      await viewer.dispose();
    }
  });

  it('keeps the data across a restart', async () => {
    const viewer = await testViewer();
    await viewer.store.writeLogs(lines(3, Date.now(), 'kept'));
    viewer.store.counters.add('spans_received', 7);
    await viewer.close();
    const again = await testViewer({}, viewer.dataDir);
    try {
      assert.equal(again.counts().logs, 3);
      assert.equal(again.store.counters.get('spans_received'), 7);
    } finally {
      await again.dispose();
    }
  });
});

describe('firstAtOrAfter', () => {
  it('finds the first row at or after the time, across gaps in the keys', async () => {
    const { DatabaseSync } = await import('node:sqlite');
    const { firstAtOrAfter } = await import('../../src/store/retention.ts');
    const db = new DatabaseSync(':memory:');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, ms INTEGER NOT NULL)');
    assert.equal(firstAtOrAfter(db, 't', 'ms', 1, 0), undefined, 'an empty table');
    const insert = db.prepare('INSERT INTO t (id, ms) VALUES (?, ?)');
    for (let id = 1; id <= 100; id++) if (id % 7 !== 0) insert.run(id, 1000 + id * 10);
    assert.equal(firstAtOrAfter(db, 't', 'ms', 1, 1505), 51);
    assert.equal(firstAtOrAfter(db, 't', 'ms', 1, 1560), 56, 'across a gap (row 56 is missing): just after the last older row');
    assert.equal(firstAtOrAfter(db, 't', 'ms', 1, 0), 1);
    assert.equal(firstAtOrAfter(db, 't', 'ms', 1, 99_999), 101, 'past the end: every row goes');
  });
});
