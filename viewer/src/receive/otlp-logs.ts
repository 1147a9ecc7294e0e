// OTLP log export requests → log rows. The body becomes `msg`; the record, as JSON, is the row's line.
import type { LogRow } from '../store/rows.ts';
import { BadRequestError } from './bad-request.ts';
import { correlationIdOf, type Decoded } from './otlp-traces.ts';
import { anyValue, attributes, hexId, list, nanos, object, serviceOf, text, type Wire } from './otlp-values.ts';

/** OTLP severity numbers 1–24 in bands of four: TRACE, DEBUG, INFO, WARN, ERROR, FATAL. */
const SEVERITY_BANDS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

export function levelOf(severityText: string, severityNumber: number): string {
  if (severityText !== '') return severityText.toLowerCase();
  if (severityNumber >= 1 && severityNumber <= 24) return SEVERITY_BANDS[Math.floor((severityNumber - 1) / 4)]!;
  return 'unknown';
}

export function logRows(request: Wire): Decoded<LogRow> {
  const rows: LogRow[] = [];
  let rejected = 0;
  let reason = '';
  for (const resourceLogs of list(request.resourceLogs, 'resourceLogs')) {
    const rl = object(resourceLogs, 'resourceLogs[]');
    const resource = attributes(object(rl.resource, 'resource').attributes);
    const service = serviceOf(resource);
    for (const scopeLogs of list(rl.scopeLogs, 'scopeLogs')) {
      for (const item of list(object(scopeLogs, 'scopeLogs[]').logRecords, 'logRecords')) {
        const record = object(item, 'logRecord');
        try {
          const time = nanos(record.timeUnixNano, 'timeUnixNano') || nanos(record.observedTimeUnixNano, 'observedTimeUnixNano');
          const body = anyValue(record.body);
          const attrs = attributes(record.attributes);
          const level = levelOf(text(record.severityText), typeof record.severityNumber === 'number' ? record.severityNumber : 0);
          const traceId = hexId(record.traceId, 16, 'traceId') || null;
          const spanId = hexId(record.spanId, 8, 'spanId') || null;
          rows.push({
            timeNs: time,
            service,
            level,
            msg: typeof body === 'string' ? body : body === null ? '' : JSON.stringify(body),
            traceId,
            spanId,
            correlationId: correlationIdOf(attrs),
            line: JSON.stringify({ body, severity: level, attributes: attrs, trace_id: traceId, span_id: spanId }),
          });
        } catch (error) {
          if (!(error instanceof BadRequestError)) throw error;
          rejected += 1;
          reason ||= error.message;
        }
      }
    }
  }
  return { rows, rejected, reason };
}
