// Opens the store: one SQLite file in the data directory, through Node's built-in node:sqlite.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { migrate } from './migrations.ts';
import { SCHEMA, SCHEMA_VERSION } from './schema.ts';

export const DATABASE_FILE = 'threadline.db';

/** Extra tables, e.g. the metrics and alerts parts', created beside the core schema. */
export type SchemaPart = string;

export function openDatabase(dataDir: string, parts: readonly SchemaPart[] = []): DatabaseSync {
  mkdirSync(dataDir, { recursive: true });
  const db = new DatabaseSync(join(dataDir, DATABASE_FILE));
  // WAL lets readers go on while a batch commits; NORMAL sync loses at most the last commits on a power
  // cut, never consistency, which is the trade a local viewer wants.
  db.exec(`
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = NORMAL;
    PRAGMA temp_store = MEMORY;
    PRAGMA cache_size = -131072;
    PRAGMA journal_size_limit = 67108864;
    PRAGMA busy_timeout = 5000;
  `);
  let version: string | undefined;
  try {
    version = (db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined)?.value;
  } catch {
    version = undefined; // a new file: no meta table yet
  }
  const refuse = (why: string): never => {
    db.close();
    throw new Error(`${join(dataDir, DATABASE_FILE)} has schema version ${version}; this viewer reads version ${SCHEMA_VERSION}${why}. Point --data at another directory, or delete that one.`);
  };
  // A newer viewer's store is left untouched.
  if (version !== undefined && Number(version) > SCHEMA_VERSION) refuse(' (the store was written by a newer viewer)');
  db.exec(SCHEMA);
  if (version !== undefined && Number(version) < SCHEMA_VERSION && !migrate(db, Number(version), SCHEMA_VERSION)) refuse('');
  for (const part of parts) db.exec(part);
  db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)").run(String(SCHEMA_VERSION));
  // Names this store, so that a text index left beside another store's file is recognised as not its own.
  db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('store_id', ?)").run(randomUUID());
  return db;
}

export function storeId(db: DatabaseSync): string {
  return (db.prepare("SELECT value FROM meta WHERE key = 'store_id'").get() as { value: string }).value;
}

/** Runs `work` in one transaction: all of it is stored, or none. */
export function inTransaction<T>(db: DatabaseSync, work: () => T): T {
  db.exec('BEGIN');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}
