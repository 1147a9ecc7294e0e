// Text search over log lines: an FTS5 index with one document per log block, filled by a thread of its own
// (text-index-worker.ts) right behind ingest. The index names the blocks that may hold a text; readers
// check each line of those blocks (text-match.ts), and read the few blocks not indexed yet directly.
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { Worker } from 'node:worker_threads';
import { usedBytes } from './retention.ts';
import { claimFor, generations, generationTable, indexedBlock, openTextDatabase, TEXT_DATABASE_FILE, type TextIndexMessage, type TextIndexRequest, type TextWorkerData } from './text-index-schema.ts';
import { phraseQuery } from './text-match.ts';

/** The worker's file beside this one: .ts when run from the sources, .js when built. */
const WORKER_URL = new URL(`./text-index-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);
const RESTART_MS = 1000;

export class TextIndex {
  readonly #db: DatabaseSync;
  /** Prepared searches of each generation, newest first and oldest first. */
  readonly #matching = new Map<number, { readonly desc: StatementSync; readonly asc: StatementSync }>();
  readonly #workerData: TextWorkerData;
  readonly #waiters: Array<{ block: number; resolve: () => void }> = [];
  readonly #forgetting = new Map<number, () => void>();
  #asks = 0;
  #worker: Worker | undefined;
  #indexedBlock: number;
  #closed = false;

  /** `storeId` names the store it indexes; `maxBytes` is the store's size bound: the index is cut into generations of a sixteenth of it. */
  constructor(dataDir: string, storePath: string, storeId: string, maxBytes: number) {
    const textPath = join(dataDir, TEXT_DATABASE_FILE);
    this.#db = openTextDatabase(textPath);
    claimFor(this.#db, storeId);
    this.#indexedBlock = indexedBlock(this.#db);
    this.#workerData = { storePath, textPath, generationBytes: Math.max(Math.floor(maxBytes / 16), 1 << 20) };
    this.#start();
  }

  /** Every block up to this ID is in the index. */
  get indexedBlock(): number {
    return this.#indexedBlock;
  }

  /** New blocks were committed, or old ones evicted. */
  wake(): void {
    this.#send({ kind: 'wake' });
  }

  /** Resolves once the index has dropped the entries of blocks evicted so far (at once if its thread is down). */
  forgetEvicted(): Promise<void> {
    if (this.#worker === undefined) return Promise.resolve();
    const ask = ++this.#asks;
    return new Promise((resolve) => {
      this.#forgetting.set(ask, resolve);
      this.#send({ kind: 'forget', ask });
    });
  }

  /** Resolves once every block up to `block` is indexed. */
  indexedUpTo(block: number): Promise<void> {
    if (this.#indexedBlock >= block) return Promise.resolve();
    return new Promise((resolve) => {
      this.#waiters.push({ block, resolve });
      this.wake();
    });
  }

  /** Indexed blocks from `low` to `high` whose words may match `text` (which has words: see phraseQuery), newest first unless `ascending`. */
  candidateBlocks(text: string, low: number, high: number, limit: number, ascending = false): number[] {
    const phrase = phraseQuery(text);
    if (phrase === undefined) throw new Error('candidateBlocks: the text has no word to look up');
    high = Math.min(high, this.#indexedBlock);
    const found: number[] = [];
    const stored = generations(this.#db);
    // Generations the index's thread has dropped need no statements any more.
    const live = new Set(stored.map((generation) => generation.id));
    for (const id of this.#matching.keys()) if (!live.has(id)) this.#matching.delete(id);
    const all = stored.filter((generation) => generation.lastBlock >= low && generation.firstBlock <= high);
    if (!ascending) all.reverse();
    for (const generation of all) {
      if (found.length >= limit) break;
      try {
        const statements = this.#statements(generation.id);
        const rows = (ascending ? statements.asc : statements.desc).all(phrase, low, high, limit - found.length) as Array<{ id: number | bigint }>;
        for (const row of rows) found.push(Number(row.id));
      } catch (error) {
        // Dropped by the index's thread since the list was read: its blocks are gone too.
        this.#matching.delete(generation.id);
        if (!(error instanceof Error && /no such table/.test(error.message))) throw error;
      }
    }
    return found;
  }

  /**
   * Bytes the index takes for the blocks still stored (from `firstStored` on). The pages of a generation's
   * evicted blocks are freed only when the whole generation goes; counting them would make retention evict
   * ever more lines to make up for space it cannot free yet.
   */
  liveBytes(firstStored: number): number {
    let dead = 0;
    for (const generation of generations(this.#db)) {
      const blocks = generation.lastBlock - generation.firstBlock + 1;
      if (blocks <= 0 || firstStored <= generation.firstBlock) continue;
      dead += (generation.bytes * Math.min(blocks, firstStored - generation.firstBlock)) / blocks;
    }
    return Math.max(0, usedBytes(this.#db) - Math.round(dead));
  }

  async close(): Promise<void> {
    this.#closed = true;
    const worker = this.#worker;
    this.#worker = undefined;
    if (worker !== undefined) {
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage({ kind: 'close' } satisfies TextIndexRequest);
      const timer = setTimeout(() => void worker.terminate(), 2000);
      await exited;
      clearTimeout(timer);
    }
    this.#db.close();
  }

  #statements(generation: number): { readonly desc: StatementSync; readonly asc: StatementSync } {
    let statements = this.#matching.get(generation);
    if (statements === undefined) {
      const table = generationTable(generation);
      const search = `SELECT rowid AS id FROM ${table} WHERE ${table} MATCH ? AND rowid BETWEEN ? AND ? ORDER BY rowid`;
      statements = { desc: this.#db.prepare(`${search} DESC LIMIT ?`), asc: this.#db.prepare(`${search} ASC LIMIT ?`) };
      this.#matching.set(generation, statements);
    }
    return statements;
  }

  #send(request: TextIndexRequest): void {
    this.#worker?.postMessage(request);
  }

  #start(): void {
    const worker = new Worker(WORKER_URL, { workerData: this.#workerData });
    worker.unref();
    worker.on('message', (message: TextIndexMessage) => {
      if ('error' in message) {
        process.stderr.write(`threadline-viewer: indexing log lines for text search failed (retrying): ${message.error}\n`);
        return;
      }
      if ('forgot' in message) {
        this.#forgetting.get(message.forgot)?.();
        this.#forgetting.delete(message.forgot);
        return;
      }
      this.#indexedBlock = message.indexedBlock;
      for (let i = this.#waiters.length - 1; i >= 0; i--) {
        if (this.#waiters[i]!.block <= message.indexedBlock) this.#waiters.splice(i, 1)[0]!.resolve();
      }
    });
    worker.on('error', (error) => process.stderr.write(`threadline-viewer: the text index's thread failed: ${error.message}\n`));
    worker.on('exit', () => {
      for (const resolve of this.#forgetting.values()) resolve();
      this.#forgetting.clear();
      if (this.#closed) return;
      // Searches stay right without it (unindexed blocks are read directly), only slower: start it again.
      setTimeout(() => {
        if (!this.#closed) this.#start();
      }, RESTART_MS).unref();
    });
    this.#worker = worker;
  }
}
