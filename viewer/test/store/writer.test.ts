import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import { OverloadedError, Writer } from '../../src/store/writer.ts';

function table(): DatabaseSync {
  const db = new DatabaseSync(':memory:');
  db.exec('CREATE TABLE t (v INTEGER NOT NULL)');
  return db;
}

describe('Writer', () => {
  it('refuses a job that would pass the bound while others wait, and takes it once they are written', async () => {
    const db = table();
    const writer = new Writer(db, { maxPendingRows: 3, rowsPerTransaction: 100 });
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const first = writer.write({ rows: 3, apply: () => [1, 2, 3].forEach((v) => insert.run(v)) });
    await assert.rejects(writer.write({ rows: 1, apply: () => insert.run(4) }), OverloadedError);
    await first;
    await writer.write({ rows: 1, apply: () => insert.run(5) });
    assert.deepEqual((db.prepare('SELECT v FROM t ORDER BY v').all() as Array<{ v: number }>).map((r) => r.v), [1, 2, 3, 5]);
  });

  it('a failing job fails alone: its rows are rolled back, its neighbours in the same transaction are kept', async () => {
    const db = table();
    const writer = new Writer(db, { maxPendingRows: 100, rowsPerTransaction: 100 });
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const results = await Promise.allSettled([
      writer.write({ rows: 1, apply: () => insert.run(1) }),
      writer.write({ rows: 2, apply: () => { insert.run(2); insert.run(null); } }),
      writer.write({ rows: 1, apply: () => insert.run(3) }),
    ]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.deepEqual((db.prepare('SELECT v FROM t ORDER BY v').all() as Array<{ v: number }>).map((r) => r.v), [1, 3]);
  });
});
