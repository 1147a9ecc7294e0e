// Reads log lines back out of their blocks: a request's lines by its IDs' keys, and the live tail's and the
// search's lines by service, level and text, newest (or, after a cursor, oldest) first.
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { DecodedBlock, LINE_ID_STRIDE, type StoredLine } from './log-block.ts';
import { blockKey, unpackKeys, type KeyKind } from './log-keys.ts';
import type { TextIndex } from './text-index.ts';
import { lineMatcher, phraseQuery } from './text-match.ts';

export interface LineFilter {
  readonly service?: string;
  readonly level?: string;
  readonly text?: string;
  /** Only lines with a greater ID; the answer is then the oldest of those, so that a tail skips none. */
  readonly afterId?: number;
  readonly limit: number;
}

/** Blocks read at most for a text the index cannot look up (no word in it): about a million lines. */
export const MAX_SCANNED_BLOCKS = 2000;
/** Candidate blocks fetched per step. */
const PAGE = 64;

export class LogReader {
  readonly #index: TextIndex;
  readonly #blocksWithKey: StatementSync;
  readonly #blocksWithKeyDesc: StatementSync;
  readonly #blockData: StatementSync;
  readonly #blockKeys: StatementSync;
  readonly #blocksDesc: StatementSync;
  readonly #blocksAsc: StatementSync;
  readonly #totals: StatementSync;
  readonly #linesAfter: StatementSync;

  constructor(db: DatabaseSync, index: TextIndex) {
    this.#index = index;
    this.#blocksWithKey = db.prepare('SELECT block AS id FROM log_keys WHERE key = ? AND block BETWEEN ? AND ? ORDER BY block LIMIT ?');
    this.#blocksWithKeyDesc = db.prepare('SELECT block AS id FROM log_keys WHERE key = ? AND block BETWEEN ? AND ? ORDER BY block DESC LIMIT ?');
    this.#blocksAsc = db.prepare('SELECT id FROM log_blocks WHERE id BETWEEN ? AND ? ORDER BY id LIMIT ?');
    this.#blocksDesc = db.prepare('SELECT id FROM log_blocks WHERE id BETWEEN ? AND ? ORDER BY id DESC LIMIT ?');
    this.#blockData = db.prepare('SELECT data FROM log_blocks WHERE id = ?');
    this.#blockKeys = db.prepare('SELECT keys FROM log_blocks WHERE id = ?');
    this.#totals = db.prepare(`SELECT count(*) AS blocks, coalesce(sum(lines), 0) AS lines, coalesce(max(id), 0) AS last,
      coalesce((SELECT lines FROM log_blocks ORDER BY id DESC LIMIT 1), 0) AS last_lines FROM log_blocks`);
    this.#linesAfter = db.prepare('SELECT coalesce(sum(lines), 0) AS lines FROM log_blocks WHERE id > ?');
  }

  /** Lines whose trace ID or correlation ID is `value`, in arrival order, at most `limit`. */
  withId(kind: Extract<KeyKind, 'trace' | 'correlation'>, value: string, limit: number): StoredLine[] {
    const lines: StoredLine[] = [];
    const key = blockKey(kind, value);
    let from = 0;
    while (lines.length < limit) {
      const ids = this.#page(this.#blocksWithKey, key, from, Number.MAX_SAFE_INTEGER);
      for (const id of ids) {
        const block = this.#block(id);
        if (block === undefined) continue;
        for (let i = 0; i < block.length && lines.length < limit; i++) {
          if ((kind === 'trace' ? block.traceId(i) : block.correlationId(i)) === value) lines.push(block.line(i));
        }
      }
      if (ids.length < PAGE) break;
      from = ids[ids.length - 1]! + 1;
    }
    return lines;
  }

  /** Lines passing `filter`: the newest `limit`, or after a cursor the oldest `limit` past it; in arrival order. */
  find(filter: LineFilter): StoredLine[] {
    const ascending = filter.afterId !== undefined;
    const firstBlock = ascending ? Math.floor(filter.afterId! / LINE_ID_STRIDE) : 0;
    const matches = filter.text === undefined ? undefined : lineMatcher(filter.text);
    const keys = [
      ...(filter.service !== undefined ? [blockKey('service', filter.service)] : []),
      ...(filter.level !== undefined ? [blockKey('level', filter.level)] : []),
    ];
    // Blocks come from the text index or from the first key; the other keys are checked on the block's own list.
    const sourceKey = filter.text === undefined ? keys[0] : undefined;
    const extraKeys = keys.filter((key) => key !== sourceKey);
    const lines: StoredLine[] = [];
    for (const id of this.#candidates(filter, sourceKey, firstBlock, ascending)) {
      if (extraKeys.length > 0 && !this.#hasKeys(id, extraKeys)) continue;
      const block = this.#block(id);
      if (block === undefined) continue;
      const found: StoredLine[] = [];
      for (let i = 0; i < block.length; i++) {
        const lineId = id * LINE_ID_STRIDE + i;
        if (ascending && lineId <= filter.afterId!) continue;
        if (filter.service !== undefined && block.service(i) !== filter.service) continue;
        if (filter.level !== undefined && block.level(i) !== filter.level) continue;
        if (matches !== undefined && !matches(block.text(i))) continue;
        found.push(block.line(i));
      }
      if (ascending) lines.push(...found);
      else lines.unshift(...found);
      if (lines.length >= filter.limit) break;
    }
    return ascending ? lines.slice(0, filter.limit) : lines.slice(-filter.limit);
  }

  /** How many lines and blocks are stored, and the newest line's ID (0: none). */
  totals(): { lines: number; blocks: number; lastId: number } {
    const row = this.#totals.get() as { blocks: number | bigint; lines: number | bigint; last: number | bigint; last_lines: number | bigint };
    const last = Number(row.last);
    return { lines: Number(row.lines), blocks: Number(row.blocks), lastId: last === 0 ? 0 : last * LINE_ID_STRIDE + Number(row.last_lines) - 1 };
  }

  /** Lines stored but not yet in the text index. */
  linesNotIndexed(): number {
    return Number((this.#linesAfter.get(this.#index.indexedBlock) as { lines: number | bigint }).lines);
  }

  /** The blocks that may hold matching lines, in the order asked, fetched a page at a time. */
  *#candidates(filter: LineFilter, key: number | undefined, firstBlock: number, ascending: boolean): Generator<number> {
    const top = Number.MAX_SAFE_INTEGER;
    if (filter.text !== undefined) {
      const direct = (low: number, high: number, limit: number): number[] => this.#page(ascending ? this.#blocksAsc : this.#blocksDesc, undefined, low, high, limit);
      if (phraseQuery(filter.text) !== undefined) {
        // The index for the blocks it holds, a direct read for the newer ones it does not hold yet.
        const indexed = this.#index.indexedBlock;
        const text = filter.text;
        const fromIndex = (low: number, high: number, limit: number): number[] => this.#index.candidateBlocks(text, low, high, limit, ascending);
        if (ascending) {
          yield* this.#paged(fromIndex, firstBlock, indexed, true);
          yield* this.#paged(direct, Math.max(firstBlock, indexed + 1), top, true);
        } else {
          yield* this.#paged(direct, Math.max(firstBlock, indexed + 1), top, false);
          yield* this.#paged(fromIndex, firstBlock, indexed, false);
        }
        return;
      }
      let scanned = 0;
      for (const id of this.#paged(direct, firstBlock, top, ascending)) {
        if (scanned++ >= MAX_SCANNED_BLOCKS) return;
        yield id;
      }
      return;
    }
    const statement = key === undefined ? (ascending ? this.#blocksAsc : this.#blocksDesc) : ascending ? this.#blocksWithKey : this.#blocksWithKeyDesc;
    yield* this.#paged((low, high, limit) => this.#page(statement, key, low, high, limit), firstBlock, top, ascending);
  }

  /** Block IDs from `fetch` between low and high, a page at a time, walking up or down. */
  *#paged(fetch: (low: number, high: number, limit: number) => number[], low: number, high: number, ascending: boolean): Generator<number> {
    while (low <= high) {
      // Materialized per page: the caller reads blocks between pages, and a statement must not stay open across them.
      const ids = fetch(low, high, PAGE);
      yield* ids;
      if (ids.length < PAGE) return;
      if (ascending) low = ids[ids.length - 1]! + 1;
      else high = ids[ids.length - 1]! - 1;
    }
  }

  #page(statement: StatementSync, key: number | undefined, low: number, high: number, limit = PAGE): number[] {
    const args = key === undefined ? [low, high, limit] : [key, low, high, limit];
    return (statement.all(...args) as Array<{ id: number | bigint }>).map((row) => Number(row.id));
  }

  #hasKeys(id: number, keys: readonly number[]): boolean {
    const row = this.#blockKeys.get(id) as { keys: Uint8Array } | undefined;
    if (row === undefined) return false;
    const stored = unpackKeys(row.keys);
    return keys.every((key) => stored.includes(key));
  }

  #block(id: number): DecodedBlock | undefined {
    const row = this.#blockData.get(id) as { data: Uint8Array } | undefined;
    return row === undefined ? undefined : new DecodedBlock(id, row.data);
  }
}
