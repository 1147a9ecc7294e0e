import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { phraseQuery } from '../../src/store/log-index.ts';
import { tailLogs } from '../../src/query/logs.ts';
import { testViewer } from '../helpers/viewer.ts';
import type { LogRow } from '../../src/store/rows.ts';

const line = (i: number, msg: string): LogRow => ({ timeNs: BigInt(Date.now() - 10_000 + i) * 1_000_000n, service: 'svc', level: 'info', msg, traceId: null, spanId: null, correlationId: null, line: JSON.stringify({ msg, orderId: `o-${i}` }) });

describe('text search over log lines', () => {
  it('finds a line before it is indexed (read directly) and after (through the index), and forgets evicted lines', async () => {
    const viewer = await testViewer();
    try {
      const search = (q: string) => tailLogs(viewer.store.db, viewer.store.logIndex, new URL(`http://x/?q=${encodeURIComponent(q)}`)).logs.map((l) => l.msg);
      await viewer.store.writeLogs([line(1, 'payment declined'), line(2, 'payment accepted'), line(3, 'order o-77 shipped')]);
      const indexedBefore = viewer.store.logIndex.indexedId;
      assert.deepEqual(search('declined'), ['payment declined']);
      viewer.store.catchUpIndex();
      assert.ok(viewer.store.logIndex.indexedId > indexedBefore || indexedBefore >= 3);
      assert.deepEqual(search('declined'), ['payment declined']);
      assert.deepEqual(search('payment decl'), ['payment declined'], 'the last word is a prefix');
      assert.deepEqual(search('o-77'), ['order o-77 shipped'], 'IDs with dashes are one word');
      assert.deepEqual(search('payment'), ['payment declined', 'payment accepted']);
      viewer.store.db.exec('DELETE FROM logs WHERE id = 1');
      assert.deepEqual(search('declined'), []);
      assert.equal(Number((viewer.store.db.prepare("SELECT count(*) AS n FROM logs_fts WHERE logs_fts MATCH 'declined'").get() as { n: number }).n), 0, 'the index forgot the evicted line');
    } finally {
      await viewer.dispose();
    }
  });

  it('resumes indexing after a restart where it stopped', async () => {
    const viewer = await testViewer();
    await viewer.store.writeLogs([line(1, 'first words')]);
    viewer.store.catchUpIndex();
    const indexed = viewer.store.logIndex.indexedId;
    await viewer.close();
    const again = await testViewer({}, viewer.dataDir);
    try {
      assert.equal(again.store.logIndex.indexedId, indexed);
    } finally {
      await again.dispose();
    }
  });

  it('quotes and FTS operators in the text are words, not syntax', () => {
    assert.equal(phraseQuery('a "b" OR c*'), '"a b OR c" *');
    assert.equal(phraseQuery('<>%'), undefined);
  });
});

describe('searchableText', () => {
  it('keeps a JSON line\'s own fields and leaves out the ones with columns of their own', async () => {
    const { searchableText } = await import('../../src/store/log-index.ts');
    assert.equal(searchableText('{"level":"info","time":1,"service":"orders","trace_id":"ab","msg":"order placed","orderId":"o-1","items":[1,2]}'), 'msg order placed orderId o-1 items [1,2]');
    assert.equal(searchableText('plain text line'), 'plain text line');
    assert.equal(searchableText('{not json'), '{not json');
  });
});
