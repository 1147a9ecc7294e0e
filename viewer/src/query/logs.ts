// Log lines for the live tail: the newest lines matching the filters, or those after a cursor.
import type { LogReader } from '../store/log-reader.ts';
import { logOut } from './rows-out.ts';
import { optionalNumber, optionalString } from './params.ts';

export function tailLogs(logs: LogReader, url: URL) {
  const after = optionalNumber(url, 'after', 0, Number.MAX_SAFE_INTEGER);
  const lines = logs
    .find({
      service: optionalString(url, 'service'),
      level: optionalString(url, 'level', 20),
      text: optionalString(url, 'q', 500),
      afterId: after,
      limit: optionalNumber(url, 'limit', 1, 1000) ?? 200,
    })
    .map(logOut);
  return { logs: lines, last: lines.length > 0 ? lines[lines.length - 1]!.id : (after ?? logs.totals().lastId) };
}
