// Writes log lines: the jobs of one commit add their lines here, and the writer's flush stores them as
// blocks with their keys, inside that same transaction. Retention trims whole blocks, oldest first.
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { CounterName } from './counters.ts';
import { BLOCK_LINES, encodeBlock } from './log-block.ts';
import { blockKey, packKeys, unpackKeys } from './log-keys.ts';
import { firstAtOrAfter, type Trimmable } from './retention.ts';
import type { LogRow } from './rows.ts';
import type { WriterStage } from './writer.ts';

export class LogsTable implements WriterStage {
  readonly #insertBlock: StatementSync;
  readonly #insertKey: StatementSync;
  readonly #first: StatementSync;
  #pending: LogRow[] = [];
  #lastBlock = 0;

  constructor(db: DatabaseSync) {
    this.#insertBlock = db.prepare('INSERT INTO log_blocks (min_ns, max_ns, lines, keys, data) VALUES (?, ?, ?, ?, ?)');
    this.#insertKey = db.prepare('INSERT OR IGNORE INTO log_keys (key, block) VALUES (?, ?)');
    this.#first = db.prepare('SELECT min(id) AS id FROM log_blocks');
    this.#lastBlock = Number((db.prepare('SELECT max(id) AS id FROM log_blocks').get() as { id: number | null }).id ?? 0);
  }

  /** The newest block's ID. */
  get lastBlock(): number {
    return this.#lastBlock;
  }

  /** The oldest stored block's ID (the next one's when none is stored). */
  firstBlock(): number {
    const row = this.#first.get() as { id: number | bigint | null };
    return row.id === null ? this.#lastBlock + 1 : Number(row.id);
  }

  add(logs: readonly LogRow[]): void {
    for (const log of logs) this.#pending.push(log);
  }

  flush(): void {
    const rows = this.#pending;
    this.#pending = [];
    const entries: Array<[key: number, block: number]> = [];
    for (let start = 0; start < rows.length; start += BLOCK_LINES) this.#store(rows.slice(start, start + BLOCK_LINES), entries);
    // In key order, the inserts walk the index once from left to right instead of jumping about it.
    entries.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    for (const [key, block] of entries) this.#insertKey.run(key, block);
  }

  discard(): void {
    this.#pending = [];
  }

  /** Stores one block; its key entries are added to `entries`. */
  #store(rows: readonly LogRow[], entries: Array<[number, number]>): void {
    const keys = new Set<number>();
    let min = rows[0]!.timeNs;
    let max = min;
    for (const row of rows) {
      if (row.timeNs < min) min = row.timeNs;
      if (row.timeNs > max) max = row.timeNs;
      if (row.traceId !== null) keys.add(blockKey('trace', row.traceId));
      if (row.correlationId !== null) keys.add(blockKey('correlation', row.correlationId));
      keys.add(blockKey('service', row.service));
      keys.add(blockKey('level', row.level));
    }
    const id = Number(this.#insertBlock.run(min, max, rows.length, packKeys(keys), encodeBlock(rows)).lastInsertRowid);
    for (const key of keys) entries.push([key, id]);
    this.#lastBlock = id;
  }
}

/**
 * Retention for log blocks: a block goes once its newest line is past the cut, with its keys; `limit`
 * counts lines, as for the other tables, and so does the answer. The text index forgets evicted blocks by
 * itself (text-index-worker.ts).
 */
export function logBlocksTrimmable(db: DatabaseSync, counter: CounterName): Trimmable {
  const oldest = db.prepare('SELECT min_ns / 1000000 AS ms FROM log_blocks ORDER BY id LIMIT 1');
  const oldBlocks = db.prepare('SELECT id, lines, keys FROM log_blocks WHERE id < ? ORDER BY id LIMIT ?');
  const removeBlock = db.prepare('DELETE FROM log_blocks WHERE id = ?');
  const removeKey = db.prepare('DELETE FROM log_keys WHERE key = ? AND block = ?');
  return {
    counter,
    oldestMs: () => {
      const row = oldest.get() as { ms: number | bigint } | undefined;
      return row === undefined ? undefined : Number(row.ms);
    },
    deleteBefore: (ms, limit) => {
      const cut = firstAtOrAfter(db, 'log_blocks', 'max_ns', 1e6, ms);
      if (cut === undefined) return 0;
      const blocks = oldBlocks.all(cut, Math.max(1, Math.ceil(limit / BLOCK_LINES))) as Array<{ id: number | bigint; lines: number | bigint; keys: Uint8Array }>;
      let lines = 0;
      for (const block of blocks) {
        for (const key of unpackKeys(block.keys)) removeKey.run(key, block.id);
        removeBlock.run(block.id);
        lines += Number(block.lines);
      }
      return lines;
    },
  };
}
