// Text search over log lines. An FTS5 index of the lines' words is filled behind ingest, a chunk at a
// time while the writer is idle, so a burst of lines is stored at full speed and indexed just after.
// A search looks up the indexed lines in the index and reads the few not indexed yet directly.
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { likePattern } from '../query/params.ts';
import { inTransaction } from './database.ts';

const INDEXED_KEY = 'logs_fts_indexed_id';
/** Lines indexed per idle turn: a few milliseconds, so that a query waits at most that long. */
export const INDEX_CHUNK = 500;

/** Fields that have columns and filters of their own; leaving them out of the index makes it a third of the size. */
const COLUMN_FIELDS = new Set(['level', 'time', 'service', 'trace_id', 'span_id', 'correlation_id', 'pid', 'hostname']);

/** The words of a line worth searching: a JSON line's own fields as `key value …`, any other line as it is. */
export function searchableText(line: string): string {
  if (!line.startsWith('{')) return line;
  let fields: unknown;
  try {
    fields = JSON.parse(line);
  } catch {
    return line;
  }
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) return line;
  const words: string[] = [];
  for (const [key, value] of Object.entries(fields)) {
    if (COLUMN_FIELDS.has(key)) continue;
    words.push(key, typeof value === 'string' ? value : JSON.stringify(value));
  }
  return words.join(' ');
}

export class LogIndex {
  readonly #db: DatabaseSync;
  readonly #pending: StatementSync;
  readonly #insert: StatementSync;
  readonly #save: StatementSync;
  #indexedId: number;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#pending = db.prepare('SELECT id, line FROM logs WHERE id > ? ORDER BY id LIMIT ?');
    this.#insert = db.prepare('INSERT INTO logs_fts (rowid, line) VALUES (?, ?)');
    this.#save = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
    const saved = db.prepare('SELECT value FROM meta WHERE key = ?').get(INDEXED_KEY) as { value: string } | undefined;
    this.#indexedId = saved === undefined ? 0 : Number(saved.value);
  }

  /** Every line with an id up to this one is in the index. */
  get indexedId(): number {
    return this.#indexedId;
  }

  /** Indexes the next chunk of lines; returns how many it indexed (0: caught up). */
  indexChunk(limit = INDEX_CHUNK): number {
    const rows = this.#pending.all(this.#indexedId, limit) as Array<{ id: number; line: string }>;
    if (rows.length === 0) return 0;
    inTransaction(this.#db, () => {
      for (const row of rows) this.#insert.run(row.id, searchableText(row.line));
      this.#indexedId = Number(rows[rows.length - 1]!.id);
      this.#save.run(INDEXED_KEY, String(this.#indexedId));
    });
    return rows.length;
  }
}

/**
 * `text` as an FTS5 query: its words as one phrase, the last one also as a prefix, so that
 * `payment decl` finds "payment declined". Quotes in the text are matched as themselves.
 */
export function phraseQuery(text: string): string | undefined {
  const words = text.match(/[\p{L}\p{N}\-_.:/@]+/gu);
  if (!words) return undefined;
  return `"${words.join(' ').replace(/"/g, '""')}" *`;
}

/** The SQL (and its arguments) for the ids of lines whose text matches, newest first, as a subquery. */
export function matchingLines(index: LogIndex, text: string, limit: number): { sql: string; args: Array<string | number> } {
  const phrase = phraseQuery(text);
  const like = likePattern(text);
  const tail = "SELECT id FROM logs WHERE id > ? AND line LIKE ? ESCAPE '\\'";
  // No word to look up: every line is read.
  if (phrase === undefined) return { sql: `SELECT id FROM (${tail} ORDER BY id DESC LIMIT ?)`, args: [0, like, limit] };
  return {
    sql: `SELECT id FROM (${tail}) UNION ALL SELECT id FROM (SELECT rowid AS id FROM logs_fts WHERE logs_fts MATCH ? ORDER BY rowid DESC LIMIT ?)`,
    args: [index.indexedId, like, phrase, limit],
  };
}
