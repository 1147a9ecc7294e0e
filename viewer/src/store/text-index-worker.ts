// The text index's own thread: it reads new log blocks from the store (a read-only connection) and adds
// each block's words to the FTS5 index in its own file, so that indexing takes the second core rather
// than the writer's time, and never holds the store's write lock. It drops the generations whose blocks
// retention has evicted. Woken by the store after commits and evictions; it tells the store its progress.
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';
import { inTransaction } from './database.ts';
import { DecodedBlock } from './log-block.ts';
import { usedBytes } from './retention.ts';
import { createGeneration, generations, generationTable, indexedBlock, openTextDatabase, type TextIndexMessage, type TextIndexRequest, type TextWorkerData } from './text-index-schema.ts';
import { searchableText } from './text-match.ts';

/** Blocks per transaction: a few milliseconds of work between looks at the store and at messages. */
const CHUNK_BLOCKS = 8;

const { storePath, textPath, generationBytes } = workerData as TextWorkerData;
const store = new DatabaseSync(storePath, { readOnly: true });
store.exec('PRAGMA busy_timeout = 5000');
const text = openTextDatabase(textPath);
const nextBlocks = store.prepare('SELECT id, data FROM log_blocks WHERE id > ? ORDER BY id LIMIT ?');
const storedRange = store.prepare('SELECT min(id) AS first, max(id) AS last FROM log_blocks');
const advance = text.prepare('UPDATE text_generations SET last_block = ? WHERE id = ?');
const grow = text.prepare('UPDATE text_generations SET bytes = bytes + ? WHERE id = ?');
const inserts = new Map<number, StatementSync>();
let indexed = indexedBlock(text);
let forgottenBelow = 0;
let scheduled = false;
let closing = false;

function post(message: TextIndexMessage): void {
  parentPort!.postMessage(message);
}

/** Drops each generation whose blocks are all gone from the store, and the entries of evicted blocks in the oldest one left. */
function forgetEvicted(): void {
  const { first, last } = storedRange.get() as { first: number | bigint | null; last: number | bigint | null };
  // An empty store has evicted everything indexed so far.
  const firstKept = first === null ? Math.max(indexed, Number(last ?? 0)) + 1 : Number(first);
  const all = generations(text);
  const gone = all.filter((generation) => generation.lastBlock < firstKept && generation !== all[all.length - 1]);
  const oldest = all.find((generation) => generation.lastBlock >= firstKept);
  if (gone.length === 0 && (oldest === undefined || oldest.firstBlock >= firstKept || forgottenBelow >= firstKept)) return;
  inTransaction(text, () => {
    for (const generation of gone) {
      text.exec(`DROP TABLE ${generationTable(generation.id)}`);
      text.prepare('DELETE FROM text_generations WHERE id = ?').run(generation.id);
      inserts.delete(generation.id);
    }
    // Its pages stay taken until the generation goes, but searches no longer name its evicted blocks.
    if (oldest !== undefined && oldest.firstBlock < firstKept && forgottenBelow < firstKept) text.prepare(`DELETE FROM ${generationTable(oldest.id)} WHERE rowid < ?`).run(firstKept);
  });
  forgottenBelow = firstKept;
}

/** The generation new blocks go to: the newest, unless it is full or there is none. */
function currentGeneration(firstBlock: number): number {
  const all = generations(text);
  const newest = all[all.length - 1];
  if (newest !== undefined && newest.bytes < generationBytes) return newest.id;
  const id = (newest?.id ?? 0) + 1;
  createGeneration(text, id, firstBlock);
  return id;
}

/** Indexes the next few blocks; false when there were none. */
function indexChunk(): boolean {
  const blocks = nextBlocks.all(indexed, CHUNK_BLOCKS) as Array<{ id: number | bigint; data: Uint8Array }>;
  if (blocks.length === 0) return false;
  // FTS5 writes its pages at commit, so the growth is measured around the whole transaction.
  const before = usedBytes(text);
  let generation = 0;
  inTransaction(text, () => {
    generation = currentGeneration(Number(blocks[0]!.id));
    let insert = inserts.get(generation);
    if (insert === undefined) inserts.set(generation, (insert = text.prepare(`INSERT INTO ${generationTable(generation)} (rowid, text) VALUES (?, ?)`)));
    for (const row of blocks) {
      const block = new DecodedBlock(Number(row.id), row.data);
      const parts: string[] = [];
      for (let i = 0; i < block.length; i++) parts.push(searchableText(block.text(i)));
      insert.run(row.id, parts.join('\n'));
    }
    advance.run(blocks[blocks.length - 1]!.id, generation);
  });
  grow.run(usedBytes(text) - before, generation);
  indexed = Number(blocks[blocks.length - 1]!.id);
  post({ indexedBlock: indexed });
  return true;
}

function work(): void {
  scheduled = false;
  if (closing) return;
  try {
    // One chunk per turn, so that a wake-up or a close is heard between chunks.
    if (indexChunk()) schedule();
  } catch (error) {
    post({ error: error instanceof Error ? error.message : String(error) });
    setTimeout(schedule, 1000).unref();
  }
}

function schedule(): void {
  if (scheduled || closing) return;
  scheduled = true;
  setImmediate(work);
}

parentPort!.on('message', (message: TextIndexRequest) => {
  if (message.kind === 'close') {
    closing = true;
    text.close();
    store.close();
    parentPort!.close();
    return;
  }
  if (message.kind === 'forget') {
    try {
      forgetEvicted();
    } catch (error) {
      post({ error: error instanceof Error ? error.message : String(error) });
    }
    post({ forgot: message.ask });
  }
  schedule();
});
schedule();
