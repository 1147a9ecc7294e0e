// Brings a store written by an older viewer up to this schema, in place, so that an upgrade keeps the
// data. Each step can be cut short (a crash, Ctrl-C) and resumes where it stopped on the next start.
import type { DatabaseSync } from 'node:sqlite';
import type { LogJson } from '../api-types.ts';
import { inTransaction } from './database.ts';
import { LogsTable } from './logs-table.ts';

/** Rows moved per transaction. */
const CHUNK = 10_000;

/** A version 1 row: the same field names as the API's log lines, with its time as an integer. */
interface V1Row extends Pick<LogJson, 'service' | 'level' | 'msg' | 'trace_id' | 'span_id' | 'correlation_id' | 'line'> {
  id: bigint;
  time_ns: bigint;
}

/** 1 → 2: log lines from a row each (with a per-line text index) into blocks; the text index is rebuilt from them. */
function logsIntoBlocks(db: DatabaseSync): void {
  // The per-line index would be updated for every moved row: drop it first.
  db.exec('DROP TRIGGER IF EXISTS logs_fts_forget; DROP TABLE IF EXISTS logs_fts');
  const table = new LogsTable(db);
  const next = db.prepare(`SELECT id, time_ns, service, level, msg, trace_id, span_id, correlation_id, line FROM logs ORDER BY id LIMIT ${CHUNK}`);
  const moved = db.prepare('DELETE FROM logs WHERE id <= ?');
  next.setReadBigInts(true);
  for (;;) {
    const rows = next.all() as unknown as V1Row[];
    if (rows.length === 0) break;
    // Moved, not copied: the blocks and the rows' deletion commit together, so a cut-short run resumes.
    inTransaction(db, () => {
      table.add(rows.map((row) => ({ timeNs: row.time_ns, service: row.service, level: row.level, msg: row.msg, traceId: row.trace_id, spanId: row.span_id, correlationId: row.correlation_id, line: row.line })));
      table.flush();
      moved.run(rows[rows.length - 1]!.id);
    });
  }
  db.exec("DROP TABLE logs; DELETE FROM meta WHERE key = 'logs_fts_indexed_id'");
}

const STEPS: Record<number, (db: DatabaseSync) => void> = { 1: logsIntoBlocks };

/** Runs the steps from `version` to `target` (the current schema is already created); false when there is no way from `version`. */
export function migrate(db: DatabaseSync, version: number, target: number): boolean {
  for (let from = version; from < target; from++) if (STEPS[from] === undefined) return false;
  for (let from = version; from < target; from++) {
    process.stderr.write(`threadline-viewer: bringing the store from schema version ${from} to ${from + 1}…\n`);
    STEPS[from]!(db);
    db.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(String(from + 1));
  }
  return true;
}
