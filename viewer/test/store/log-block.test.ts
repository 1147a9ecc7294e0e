import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DecodedBlock, encodeBlock, LINE_ID_STRIDE } from '../../src/store/log-block.ts';
import { blockKey, packKeys, unpackKeys } from '../../src/store/log-keys.ts';
import { testViewer } from '../helpers/viewer.ts';
import type { LogRow } from '../../src/store/rows.ts';

const row = (line: string, fields: Partial<LogRow> = {}): LogRow => ({ timeNs: 1_700_000_000_123_456_789n, service: 'svc', level: 'info', msg: line.slice(0, 20), traceId: null, spanId: null, correlationId: null, line, ...fields });

describe('log blocks', () => {
  it('give back every line and field exactly, whatever the lines hold', () => {
    const hostile = [
      '',
      'two\nlines\r\nand a tab\t',
      '{"msg":"json \\"quoted\\" \\u0000 \\n"}',
      'emoji 🧵 and accents é, a lone surrogate \ud800 end',
      '\n\n\n',
      'x'.repeat(70_000),
    ];
    const rows = hostile.map((line, i) => row(line, { service: `svc\n${i}`, level: i % 2 ? 'warn' : 'info', traceId: i === 2 ? 'ab'.repeat(16) : null, correlationId: i === 3 ? 'corr "<b>"' : null, timeNs: BigInt(i) * 10n ** 18n }));
    const block = new DecodedBlock(7, encodeBlock(rows));
    assert.equal(block.length, rows.length);
    for (let i = 0; i < rows.length; i++) {
      const line = block.line(i);
      // A lone surrogate cannot survive UTF-8; it comes back as U+FFFD, one code unit, so the lines after it stay in place.
      assert.equal(line.line, rows[i]!.line.replace('\ud800', '\ufffd'));
      assert.equal(line.id, 7 * LINE_ID_STRIDE + i);
      assert.equal(line.timeNs, String(rows[i]!.timeNs));
      assert.equal(line.service, rows[i]!.service);
      assert.equal(line.level, rows[i]!.level);
      assert.equal(line.traceId, rows[i]!.traceId);
      assert.equal(line.correlationId, rows[i]!.correlationId);
    }
  });

  it('keep their keys as exact integers', () => {
    const keys = [blockKey('trace', 'ab'.repeat(16)), blockKey('service', 'orders'), 0, 2 ** 53 - 1];
    assert.deepEqual([...unpackKeys(packKeys(keys))], keys);
    assert.ok(keys.slice(0, 2).every((key) => Number.isSafeInteger(key) && key >= 0));
    assert.notEqual(blockKey('trace', 'x'), blockKey('correlation', 'x'), 'the kind is part of the key');
  });
});

describe('reading lines back', () => {
  it("a request's lines only, though other requests' lines share its blocks; filters and a cursor for the tail", async () => {
    const viewer = await testViewer();
    try {
      const a = 'a'.repeat(32);
      const b = 'b'.repeat(32);
      const rows: LogRow[] = [];
      for (let i = 0; i < 300; i++) rows.push(row(`line ${i}`, { traceId: i % 2 ? a : b, correlationId: i % 2 ? 'ca' : 'cb', service: i % 3 ? 'orders' : 'payments', level: i % 100 === 0 ? 'error' : 'info' }));
      await viewer.store.writeLogs(rows);
      const logs = viewer.store.logs;
      assert.ok(logs.totals().blocks > 1, 'the lines span several blocks');
      assert.deepEqual(logs.withId('trace', a, 1000).map((l) => l.line), rows.filter((r) => r.traceId === a).map((r) => r.line));
      assert.equal(logs.withId('correlation', 'cb', 1000).length, 150);
      assert.equal(logs.withId('correlation', 'cb', 10).length, 10, 'a limit');
      assert.deepEqual(logs.withId('trace', 'c'.repeat(32), 10), []);

      const newest = logs.find({ limit: 5 });
      assert.deepEqual(newest.map((l) => l.line), ['line 295', 'line 296', 'line 297', 'line 298', 'line 299']);
      assert.deepEqual(logs.find({ level: 'error', limit: 10 }).map((l) => l.line), ['line 0', 'line 100', 'line 200']);
      assert.deepEqual(logs.find({ level: 'error', service: 'payments', limit: 10 }).map((l) => l.line), ['line 0']);
      const first = logs.find({ afterId: 0, limit: 150 });
      assert.equal(first.length, 150);
      const rest = logs.find({ afterId: first[first.length - 1]!.id, limit: 1000 });
      assert.deepEqual([...first, ...rest].map((l) => l.line), rows.map((r) => r.line), 'paging by cursor skips none and repeats none');
      assert.equal(logs.totals().lastId, rest[rest.length - 1]!.id);
    } finally {
      await viewer.dispose();
    }
  });
});
