// The text index's file, beside the store's. The index is cut into generations by block range, each its
// own FTS5 table with one document per log block, so that eviction drops a whole table and its pages are
// free at once (deleting rows from an FTS5 index frees nothing until its segments merge). Opened by the
// store (to create it and to search) and by the index's thread (to fill it).
import { DatabaseSync } from 'node:sqlite';
import { inTransaction } from './database.ts';
import { TOKEN_CHARS } from './text-match.ts';

export const TEXT_DATABASE_FILE = 'threadline-text.db';

export interface TextWorkerData {
  readonly storePath: string;
  readonly textPath: string;
  /** A generation is closed once its table takes this many bytes. */
  readonly generationBytes: number;
}

/** What the store tells the index's thread: new blocks are in, evicted blocks are gone (answer when forgotten), or close. */
export type TextIndexRequest = { readonly kind: 'wake' } | { readonly kind: 'forget'; readonly ask: number } | { readonly kind: 'close' };
/** What the index's thread tells the store. */
export type TextIndexMessage = { readonly indexedBlock: number } | { readonly forgot: number } | { readonly error: string };

export interface Generation {
  readonly id: number;
  /** The first block it was given (kept when retention evicts some of its blocks). */
  readonly firstBlock: number;
  readonly lastBlock: number;
  /** What adding its blocks grew the file by. */
  readonly bytes: number;
}

export function openTextDatabase(path: string): DatabaseSync {
  const db = new DatabaseSync(path);
  db.exec(`
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = NORMAL;
    PRAGMA busy_timeout = 5000;
    CREATE TABLE IF NOT EXISTS text_generations (
      id INTEGER PRIMARY KEY,
      first_block INTEGER NOT NULL,
      last_block INTEGER NOT NULL,
      -- What adding its blocks has grown the file by: the measure of when to close it.
      bytes INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE IF NOT EXISTS text_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
  `);
  return db;
}

/**
 * Makes the index the one of the store named `storeId`: an index built for another store (its file was
 * deleted and made anew beside this one) names blocks that are not these, so it is emptied and rebuilt.
 */
export function claimFor(db: DatabaseSync, storeId: string): void {
  const owner = (db.prepare("SELECT value FROM text_meta WHERE key = 'store_id'").get() as { value: string } | undefined)?.value;
  if (owner === storeId) return;
  inTransaction(db, () => {
    for (const generation of generations(db)) db.exec(`DROP TABLE ${generationTable(generation.id)}`);
    db.exec('DELETE FROM text_generations');
    db.prepare("INSERT INTO text_meta (key, value) VALUES ('store_id', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(storeId);
  });
}

export function generationTable(id: number): string {
  return `logs_fts_${id}`;
}

export function createGeneration(db: DatabaseSync, id: number, firstBlock: number): void {
  db.exec(`CREATE VIRTUAL TABLE ${generationTable(id)} USING fts5(text, content = '', contentless_delete = 1, tokenize = "unicode61 tokenchars '${TOKEN_CHARS}'")`);
  db.prepare('INSERT INTO text_generations (id, first_block, last_block) VALUES (?, ?, ?)').run(id, firstBlock, firstBlock - 1);
}

/** The generations, oldest first. */
export function generations(db: DatabaseSync): Generation[] {
  return (db.prepare('SELECT id, first_block, last_block, bytes FROM text_generations ORDER BY id').all() as Array<{ id: number | bigint; first_block: number | bigint; last_block: number | bigint; bytes: number | bigint }>).map((row) => ({
    id: Number(row.id),
    firstBlock: Number(row.first_block),
    lastBlock: Number(row.last_block),
    bytes: Number(row.bytes),
  }));
}

/** Every block up to this ID is in the index. */
export function indexedBlock(db: DatabaseSync): number {
  const row = db.prepare('SELECT max(last_block) AS last FROM text_generations').get() as { last: number | bigint | null };
  return Number(row.last ?? 0);
}
