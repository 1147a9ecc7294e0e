import { describe, it } from 'node:test';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { DATABASE_FILE } from '../../src/store/database.ts';
import assert from 'node:assert/strict';
import { lineMatcher, phraseQuery, searchableText } from '../../src/store/text-match.ts';
import { tailLogs } from '../../src/query/logs.ts';
import { testViewer } from '../helpers/viewer.ts';
import type { LogRow } from '../../src/store/rows.ts';

const line = (i: number, msg: string): LogRow => ({ timeNs: BigInt(Date.now() - 10_000 + i) * 1_000_000n, service: 'svc', level: 'info', msg, traceId: null, spanId: null, correlationId: null, line: JSON.stringify({ msg, orderId: `o-${i}` }) });

describe('text search over log lines', () => {
  it('finds a line whether its block is indexed yet or not, and forgets evicted blocks', async () => {
    const viewer = await testViewer({ maxAgeMs: 3_600_000 });
    try {
      const search = (q: string) => tailLogs(viewer.store.logs, new URL(`http://x/?q=${encodeURIComponent(q)}`)).logs.map((l) => l.msg);
      const old: LogRow = { ...line(0, 'payment declined long ago'), timeNs: BigInt(Date.now() - 7_200_000) * 1_000_000n };
      await viewer.store.writeLogs([old]);
      await viewer.store.writeLogs([line(1, 'payment declined'), line(2, 'payment accepted'), line(3, 'order o-77 shipped')]);
      // Read directly or through the index, whichever the thread has reached: the answer is the same.
      assert.deepEqual(search('declined'), ['payment declined long ago', 'payment declined']);
      await viewer.store.textIndexCaughtUp();
      assert.equal(viewer.store.logs.linesNotIndexed(), 0);
      assert.deepEqual(search('declined'), ['payment declined long ago', 'payment declined']);
      assert.deepEqual(search('payment decl'), ['payment declined long ago', 'payment declined'], 'the last word is a prefix');
      assert.deepEqual(search('PAYMENT Accepted'), ['payment accepted'], 'case aside');
      assert.deepEqual(search('o-77'), ['order o-77 shipped'], 'IDs with dashes are one word');
      assert.deepEqual(search('declined payment'), [], 'the words in their order');
      assert.deepEqual(search('o-2 msg'), [], 'a phrase does not run from one line into the next in the block');
      assert.deepEqual(search('payment'), ['payment declined long ago', 'payment declined', 'payment accepted']);

      await viewer.store.retention.enforce();
      assert.equal(viewer.store.counters.get('logs_evicted'), 1);
      assert.deepEqual(search('declined'), ['payment declined']);
      await viewer.store.textIndex.indexedUpTo(0);
      const text = viewer.store.textIndex;
      for (let tries = 0; text.candidateBlocks('long ago', 0, Number.MAX_SAFE_INTEGER, 10).length > 0; tries++) {
        assert.ok(tries < 100, 'the index forgot the evicted block');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      await viewer.dispose();
    }
  });

  it('resumes indexing after a restart where it stopped', async () => {
    const viewer = await testViewer();
    await viewer.store.writeLogs([line(1, 'first words')]);
    await viewer.store.textIndexCaughtUp();
    const indexed = viewer.store.textIndex.indexedBlock;
    assert.ok(indexed > 0);
    await viewer.close();
    const again = await testViewer({}, viewer.dataDir);
    try {
      assert.equal(again.store.textIndex.indexedBlock, indexed);
      await again.store.writeLogs([line(2, 'second words')]);
      await again.store.textIndexCaughtUp();
      assert.deepEqual(again.store.textIndex.candidateBlocks('words', 0, Number.MAX_SAFE_INTEGER, 10).length, 2);
    } finally {
      await again.dispose();
    }
  });

  it('an index left beside a new store (its file deleted) is rebuilt for that store, not trusted', async () => {
    const viewer = await testViewer();
    await viewer.store.writeLogs([line(1, 'from the first store'), line(2, 'more from the first store')]);
    await viewer.store.textIndexCaughtUp();
    await viewer.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(join(viewer.dataDir, `${DATABASE_FILE}${suffix}`), { force: true });
    const again = await testViewer({}, viewer.dataDir);
    try {
      assert.equal(again.store.textIndex.indexedBlock, 0, 'the old index is gone');
      await again.store.writeLogs([line(3, 'second store words')]);
      await again.store.textIndexCaughtUp();
      const search = (q: string) => tailLogs(again.store.logs, new URL(`http://x/?q=${encodeURIComponent(q)}`)).logs.map((l) => l.msg);
      assert.deepEqual(search('second store'), ['second store words']);
      assert.deepEqual(search('first store'), []);
    } finally {
      await again.dispose();
    }
  });

  it('quotes and FTS operators in the text are words, not syntax', () => {
    assert.equal(phraseQuery('a "b" OR c*'), '"a b OR c" *');
    assert.equal(phraseQuery('<>%'), undefined);
  });
});

describe('lineMatcher', () => {
  it('matches words in order, the last as a prefix, case and accents aside', () => {
    const matches = lineMatcher('Café crème');
    assert.equal(matches('{"msg":"un cafe CREMES"}'), true);
    assert.equal(matches('{"msg":"cr\\u00e8me caf\\u00e9"}'), false);
    assert.equal(lineMatcher('caf\u00e9')('{"msg":"caf\\u00e9"}'), true, 'a JSON escape hides nothing');
    assert.equal(lineMatcher('/api/orders')('{"route":"\\/api\\/orders"}'), true);
  });

  it('without a word, looks for the text as it is', () => {
    assert.equal(lineMatcher('<>%')('a <>% b'), true);
    assert.equal(lineMatcher('<>%')('a <> b'), false);
  });
});

describe('searchableText', () => {
  it("keeps a JSON line's own fields and leaves out the ones with columns of their own", () => {
    assert.equal(searchableText('{"level":"info","time":1,"service":"orders","trace_id":"ab","msg":"order placed","orderId":"o-1","items":[1,2]}'), 'msg order placed orderId o-1 items [1,2]');
    assert.equal(searchableText('plain text line'), 'plain text line');
    assert.equal(searchableText('{not json'), '{not json');
  });
});
