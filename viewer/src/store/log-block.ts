// Log lines are stored in blocks, as Loki stores chunks: the lines of one commit, a few hundred at a time,
// as one snappy-compressed row. A row per line with indexes on its IDs cost 10–13 µs of SQLite time a
// line; a block costs under 1 µs a line and a quarter of the space (docs/performance.md).
//
// Encoding: each line's length and then each short field as a JSON array on a line of its own, then the
// lines themselves back to back. A reader parses only the columns it needs (a search: the lengths; a
// request: the trace IDs) and reads a line by slicing the text, never by parsing it.
import { compressSync, uncompressSync } from 'snappy';
import type { LogRow } from './rows.ts';

/** Lines per block at most: small enough that reading one block for one request's lines stays well under a millisecond. */
export const BLOCK_LINES = 128;
/** A line's ID is its block's ID times this plus its place in the block, so IDs grow in arrival order. */
export const LINE_ID_STRIDE = 1024;

/** The columns, in their order after the lengths. */
const COLUMNS = ['timeNs', 'service', 'level', 'msg', 'traceId', 'spanId', 'correlationId'] as const;
type Column = (typeof COLUMNS)[number];

/** One stored line, as queries read it: the row it was, with its ID, and its time as a decimal string (exact). */
export interface StoredLine extends Omit<LogRow, 'timeNs'> {
  readonly id: number;
  readonly timeNs: string;
}

export function encodeBlock(rows: readonly LogRow[]): Buffer {
  const lengths: number[] = [];
  const columns: Record<Column, Array<string | null>> = { timeNs: [], service: [], level: [], msg: [], traceId: [], spanId: [], correlationId: [] };
  const lines: string[] = [];
  for (const row of rows) {
    lengths.push(row.line.length);
    columns.timeNs.push(String(row.timeNs));
    columns.service.push(row.service);
    columns.level.push(row.level);
    columns.msg.push(row.msg);
    columns.traceId.push(row.traceId);
    columns.spanId.push(row.spanId);
    columns.correlationId.push(row.correlationId);
    lines.push(row.line);
  }
  // JSON never holds a raw newline, so newlines end the header's parts.
  return compressSync(`${JSON.stringify(lengths)}\n${COLUMNS.map((column) => JSON.stringify(columns[column])).join('\n')}\n${lines.join('')}`);
}

/** A block's lines, its columns parsed when first asked for; `blockId` gives the lines their IDs. */
export class DecodedBlock {
  readonly blockId: number;
  readonly length: number;
  readonly #text: string;
  /** Where each column's JSON starts and ends in the text. */
  readonly #columnAt: Array<[number, number]> = [];
  readonly #parsed = new Map<Column, Array<string | null>>();
  readonly #starts: number[];
  readonly #lengths: number[];

  constructor(blockId: number, data: Uint8Array) {
    this.blockId = blockId;
    const text = uncompressSync(Buffer.from(data.buffer, data.byteOffset, data.byteLength), { asBuffer: false }) as string;
    let end = text.indexOf('\n');
    this.#lengths = JSON.parse(text.slice(0, end)) as number[];
    for (let i = 0; i < COLUMNS.length; i++) {
      const start = end + 1;
      end = text.indexOf('\n', start);
      this.#columnAt.push([start, end]);
    }
    this.#text = text;
    this.length = this.#lengths.length;
    this.#starts = new Array<number>(this.length);
    let at = end + 1;
    for (let i = 0; i < this.length; i++) {
      this.#starts[i] = at;
      at += this.#lengths[i]!;
    }
  }

  traceId(i: number): string | null {
    return this.#column('traceId')[i]!;
  }

  correlationId(i: number): string | null {
    return this.#column('correlationId')[i]!;
  }

  service(i: number): string {
    return this.#column('service')[i]!;
  }

  level(i: number): string {
    return this.#column('level')[i]!;
  }

  text(i: number): string {
    return this.#text.slice(this.#starts[i], this.#starts[i]! + this.#lengths[i]!);
  }

  line(i: number): StoredLine {
    const column = (name: Column): string | null => this.#column(name)[i]!;
    return {
      id: this.blockId * LINE_ID_STRIDE + i,
      timeNs: column('timeNs')!,
      service: column('service')!,
      level: column('level')!,
      msg: column('msg')!,
      traceId: column('traceId'),
      spanId: column('spanId'),
      correlationId: column('correlationId'),
      line: this.text(i),
    };
  }

  #column(name: Column): Array<string | null> {
    let values = this.#parsed.get(name);
    if (values === undefined) {
      const [start, end] = this.#columnAt[COLUMNS.indexOf(name)]!;
      values = JSON.parse(this.#text.slice(start, end)) as Array<string | null>;
      this.#parsed.set(name, values);
    }
    return values;
  }
}
