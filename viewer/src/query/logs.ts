// Log lines for the live tail: the newest lines matching the filters, or those after a cursor.
import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import { LOG_COLUMNS, logOut, type LogRecord } from './rows-out.ts';
import { optionalNumber, optionalString } from './params.ts';
import { matchingLines, type LogIndex } from '../store/log-index.ts';

export function tailLogs(db: DatabaseSync, index: LogIndex, url: URL) {
  const where: string[] = [];
  const args: SQLInputValue[] = [];
  const service = optionalString(url, 'service');
  const level = optionalString(url, 'level', 20);
  const q = optionalString(url, 'q', 500);
  const after = optionalNumber(url, 'after', 0, Number.MAX_SAFE_INTEGER);
  const limit = optionalNumber(url, 'limit', 1, 1000) ?? 200;
  if (service !== undefined) {
    where.push('service = ?');
    args.push(service);
  }
  if (level !== undefined) {
    where.push('level = ?');
    args.push(level);
  }
  if (q !== undefined) {
    const lines = matchingLines(index, q, 10_000);
    where.push(`id IN (${lines.sql})`);
    args.push(...lines.args);
  }
  if (after !== undefined) {
    where.push('id > ?');
    args.push(after);
  }
  const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  // After a cursor: the oldest lines past it, so that none is skipped; else the newest lines.
  const order = after !== undefined ? 'ASC' : 'DESC';
  const rows = db.prepare(`SELECT ${LOG_COLUMNS} FROM logs ${filter} ORDER BY id ${order} LIMIT ?`).all(...args, limit) as unknown as LogRecord[];
  if (order === 'DESC') rows.reverse();
  const logs = rows.map(logOut);
  const newest = (db.prepare('SELECT max(id) AS id FROM logs').get() as { id: number | null }).id;
  return { logs, last: logs.length > 0 ? logs[logs.length - 1]!.id : (after ?? Number(newest ?? 0)) };
}
