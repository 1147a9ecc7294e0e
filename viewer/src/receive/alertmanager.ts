// POST /api/alertmanager: Alertmanager's webhook (payload version 4). The whole notification is checked
// before anything is stored, so a malformed one gets 400 with the reason and leaves nothing behind; a
// store that is behind answers 503, which Alertmanager retries.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Counters } from '../store/counters.ts';
import type { AlertRow, AlertsTable } from '../store/alerts-table.ts';
import { OverloadedError, type Writer } from '../store/writer.ts';
import { parseJson, readBody, mediaType } from '../server/body.ts';
import { sendJson } from '../server/respond.ts';
import { BadRequestError } from './bad-request.ts';

/** Alertmanager's "zero" time: what it sends as endsAt for an alert still firing. */
const ZERO_TIME = /^0001-01-01T00:00:00(?:\.0+)?Z$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;
const FINGERPRINT = /^[0-9a-f]{1,32}$/;
export const MAX_ALERTS = 10_000;
const MAX_TEXT = 16_384;

function strings(value: unknown, what: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new BadRequestError(`${what} must be an object of strings`);
  const out: Record<string, string> = {};
  for (const [name, item] of Object.entries(value)) {
    if (typeof item !== 'string') throw new BadRequestError(`${what}.${name.slice(0, 60)} must be a string`);
    if (name.length > 1024 || item.length > MAX_TEXT) throw new BadRequestError(`${what}.${name.slice(0, 60)} is too long (names up to 1024, values up to ${MAX_TEXT} characters)`);
    out[name] = item;
  }
  return out;
}

function time(value: unknown, what: string): number | null {
  if (typeof value !== 'string' || !RFC3339.test(value)) throw new BadRequestError(`${what} must be an RFC 3339 time such as 2024-01-02T03:04:05.678Z, got ${JSON.stringify(String(value).slice(0, 40))}`);
  if (ZERO_TIME.test(value)) return null;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw new BadRequestError(`${what} ${JSON.stringify(value)} is not a valid time`);
  return ms;
}

/** The alerts of one webhook notification; throws a BadRequestError naming the first problem. */
export function webhookAlerts(body: Record<string, unknown>, receivedAt: number): AlertRow[] {
  if (body.version !== '4') throw new BadRequestError(`version must be "4" (Alertmanager's webhook payload), got ${JSON.stringify(body.version ?? null)?.slice(0, 20)}`);
  if (!Array.isArray(body.alerts)) throw new BadRequestError('alerts must be a list');
  if (body.alerts.length > MAX_ALERTS) throw new BadRequestError(`${body.alerts.length} alerts in one notification, over the ${MAX_ALERTS} accepted`);
  return body.alerts.map((item: unknown, index): AlertRow => {
    const where = `alerts[${index}]`;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) throw new BadRequestError(`${where} must be an object`);
    const alert = item as Record<string, unknown>;
    if (alert.status !== 'firing' && alert.status !== 'resolved') throw new BadRequestError(`${where}.status must be "firing" or "resolved"`);
    const fingerprint = typeof alert.fingerprint === 'string' ? alert.fingerprint.toLowerCase() : '';
    if (!FINGERPRINT.test(fingerprint)) throw new BadRequestError(`${where}.fingerprint must be Alertmanager's hex fingerprint`);
    const labels = strings(alert.labels, `${where}.labels`);
    const startsAt = time(alert.startsAt, `${where}.startsAt`);
    if (startsAt === null) throw new BadRequestError(`${where}.startsAt is the zero time`);
    const endsAt = alert.endsAt === undefined ? null : time(alert.endsAt, `${where}.endsAt`);
    if (alert.generatorURL !== undefined && typeof alert.generatorURL !== 'string') throw new BadRequestError(`${where}.generatorURL must be a string`);
    return {
      fingerprint,
      status: alert.status,
      startsAt,
      // A resolved alert without an end time ended when the notification came.
      endsAt: alert.status === 'firing' ? null : (endsAt ?? receivedAt),
      alertname: labels.alertname ?? '',
      service: labels.service ?? labels.job ?? '',
      severity: labels.severity ?? '',
      labels,
      annotations: strings(alert.annotations, `${where}.annotations`),
      generatorURL: String(alert.generatorURL ?? '').slice(0, MAX_TEXT),
    };
  });
}

export interface AlertmanagerReceiver {
  readonly table: AlertsTable;
  readonly writer: Writer;
  readonly counters?: Counters;
  readonly maxBodyBytes: number;
  readonly now?: () => number;
}

export function alertmanagerHandler(receiver: AlertmanagerReceiver) {
  const now = receiver.now ?? Date.now;
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    try {
      const type = mediaType(request);
      if (type !== 'application/json' && type !== '') throw new BadRequestError(`Content-Type ${JSON.stringify(type.slice(0, 60))} is not accepted: Alertmanager's webhook sends application/json`, 415);
      const receivedAt = now();
      const alerts = webhookAlerts(parseJson(await readBody(request, receiver.maxBodyBytes), "Alertmanager's webhook payload"), receivedAt);
      if (alerts.length > 0) await receiver.writer.write({ rows: alerts.length, apply: () => receiver.table.upsert(alerts, receivedAt) });
      sendJson(response, 200, { received: alerts.length });
    } catch (error) {
      if (error instanceof OverloadedError) {
        receiver.counters?.add('requests_refused_overloaded');
        response.setHeader('retry-after', '1');
        sendJson(response, 503, { error: error.message });
      } else if (error instanceof BadRequestError) {
        receiver.counters?.add(error.counter);
        sendJson(response, error.status, { error: error.message });
      } else {
        throw error;
      }
    }
  };
}
