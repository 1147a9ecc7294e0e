// GET /api/alerts?from=&to=&service=: the alerts firing at any time in the window, newest first.
import { BadRequestError } from '../receive/bad-request.ts';
import type { Handler } from '../server/router.ts';
import { sendJson } from '../server/respond.ts';
import type { AlertsTable } from '../store/alerts-table.ts';
import { optionalNumber, optionalString, optionalTime } from './params.ts';

const DEFAULT_WINDOW_MS = 24 * 3_600_000;

export function alertsHandler(table: AlertsTable, now: () => number = Date.now): Handler {
  return (_request, response, { url }) => {
    const to = optionalTime(url, 'to') ?? now();
    const from = optionalTime(url, 'from') ?? to - DEFAULT_WINDOW_MS;
    if (from > to) throw new BadRequestError('from must not be after to');
    const limit = optionalNumber(url, 'limit', 1, 10_000) ?? 1000;
    sendJson(response, 200, { alerts: table.firingBetween(from, to, optionalString(url, 'service'), Math.floor(limit)) });
  };
}
