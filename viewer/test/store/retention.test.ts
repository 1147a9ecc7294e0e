import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
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
    line: `${tag} ${i} ${'x'.repeat(400)}`,
  }));
}

describe('retention', () => {
  it('past the size bound, the oldest lines go and the newest stay, and the evictions are counted', async () => {
    const maxBytes = 16 * 1024 ** 2;
    const viewer = await testViewer({ maxBytes });
    try {
      const start = Date.now() - 3_600_000;
      for (let batch = 0; batch < 10; batch++) await viewer.store.writeLogs(lines(10_000, start + batch * 10_000, `batch${batch}`));
      assert.ok(viewer.store.usedBytes() > maxBytes, 'the test wrote more than the bound');
      await viewer.store.retention.enforce();
      assert.ok(viewer.store.usedBytes() <= maxBytes, `${viewer.store.usedBytes()} bytes left, bound ${maxBytes}`);
      const oldest = viewer.store.db.prepare('SELECT msg FROM logs ORDER BY time_ns LIMIT 1').get() as { msg: string };
      const newest = viewer.store.db.prepare('SELECT msg FROM logs ORDER BY time_ns DESC LIMIT 1').get() as { msg: string };
      assert.equal(newest.msg, 'batch9 9999');
      assert.notEqual(oldest.msg, 'batch0 0');
      const left = viewer.counts().logs;
      assert.equal(viewer.store.counters.get('logs_evicted'), 100_000 - left);
      const stats = await viewer.get<{ counters: Record<string, number> }>('/api/stats');
      assert.equal(stats.counters.logs_evicted, 100_000 - left);
    } finally {
      await viewer.dispose();
    }
  });

  it('drops what is older than the age bound and keeps the rest', async () => {
    const viewer = await testViewer({ maxAgeMs: 3_600_000 });
    try {
      await viewer.store.writeLogs([...lines(5, Date.now() - 7_200_000, 'old'), ...lines(5, Date.now() - 60_000, 'new')]);
      await viewer.store.retention.enforce();
      const left = (viewer.store.db.prepare('SELECT msg FROM logs ORDER BY time_ns').all() as Array<{ msg: string }>).map((row) => row.msg);
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
