// Writes log lines.
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { LogRow } from './rows.ts';

export class LogsTable {
  readonly #insert: StatementSync;

  constructor(db: DatabaseSync) {
    this.#insert = db.prepare(`INSERT INTO logs (time_ns, service, level, msg, trace_id, span_id, correlation_id, line)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  }

  insert(logs: readonly LogRow[]): void {
    for (const log of logs) {
      this.#insert.run(log.timeNs, log.service, log.level, log.msg, log.traceId, log.spanId, log.correlationId, log.line);
    }
  }
}
