import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { DATABASE_FILE } from '../../src/store/database.ts';
import { testViewer } from '../helpers/viewer.ts';

/** A store as the viewer of schema version 1 left it: one row per log line, a per-line text index. */
function versionOneStore(dataDir: string, lines: number): void {
  const db = new DatabaseSync(join(dataDir, DATABASE_FILE));
  db.exec(`
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    INSERT INTO meta VALUES ('schema_version', '1'), ('logs_fts_indexed_id', '3');
    CREATE TABLE logs (id INTEGER PRIMARY KEY, time_ns INTEGER NOT NULL, service TEXT NOT NULL, level TEXT NOT NULL, msg TEXT NOT NULL, trace_id TEXT, span_id TEXT, correlation_id TEXT, line TEXT NOT NULL);
    CREATE VIRTUAL TABLE logs_fts USING fts5(line, content = '', contentless_delete = 1);
    CREATE TRIGGER logs_fts_forget AFTER DELETE ON logs BEGIN DELETE FROM logs_fts WHERE rowid = old.id; END;
  `);
  const insert = db.prepare('INSERT INTO logs (time_ns, service, level, msg, trace_id, span_id, correlation_id, line) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const now = BigInt(Date.now()) * 1_000_000n;
  db.exec('BEGIN');
  for (let i = 0; i < lines; i++) insert.run(now + BigInt(i), 'orders', 'info', `line ${i}`, i % 2 ? 'ab'.repeat(16) : null, null, `c-${i % 3}`, `{"msg":"line ${i}","word":"w${i}"}`);
  db.exec('COMMIT');
  db.close();
}

describe('a store written by an older viewer', () => {
  it('is brought to this schema in place: every log line kept, found by ID and by text', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'threadline-viewer-migrate-'));
    versionOneStore(dataDir, 25_000);
    const viewer = await testViewer({}, dataDir);
    try {
      assert.equal(viewer.counts().logs, 25_000);
      assert.equal(viewer.store.logs.withId('trace', 'ab'.repeat(16), 100_000).length, 12_500);
      assert.equal(viewer.store.logs.withId('correlation', 'c-1', 100_000).length, 8_333);
      assert.deepEqual(viewer.store.logs.find({ text: 'w24999', limit: 10 }).map((line) => line.msg), ['line 24999']);
      const tables = (viewer.store.db.prepare("SELECT name FROM sqlite_schema WHERE name LIKE 'logs%'").all() as Array<{ name: string }>).map((row) => row.name);
      assert.deepEqual(tables, [], 'the old tables are gone');
      assert.equal((viewer.store.db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string }).value, '2');
    } finally {
      await viewer.dispose();
    }
  });

  it('written by a newer viewer, is refused untouched, naming both versions', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'threadline-viewer-migrate-'));
    try {
      const db = new DatabaseSync(join(dataDir, DATABASE_FILE));
      db.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID; INSERT INTO meta VALUES ('schema_version', '99')");
      db.close();
      await assert.rejects(testViewer({}, dataDir), /schema version 99; this viewer reads version 2 \(the store was written by a newer viewer\)/);
      const again = new DatabaseSync(join(dataDir, DATABASE_FILE));
      assert.deepEqual((again.prepare('SELECT name FROM sqlite_schema').all() as Array<{ name: string }>).map((row) => row.name).filter((name) => !name.startsWith('sqlite_')), ['meta']);
      again.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
