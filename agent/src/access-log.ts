// The access line, one per request: the line a service writes most. It goes through a pino
// instance of its own on the same destination, without the main logger's mixin and censor: its
// fields are the agent's own, so there is nothing to censor, and its trace fields come from the
// request's context, handed to the listener, instead of a lookup of the active context. The
// line is the same as the main logger would write; its level follows the main logger's.
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import type { ServerRequestListener } from './http-server.ts';
import { traceFieldsOf, type TraceFields } from './trace-fields.ts';

interface AccessFields extends TraceFields {
  http_request_method?: string;
  http_route?: string;
  http_response_status_code?: number;
  duration_ms?: number;
}

export function createAccessLog(main: Logger, options: LoggerOptions, destination: DestinationStream): ServerRequestListener {
  const access = pino({ ...options, level: main.level }, destination);
  main.on('level-change', (label, _value, _previousLabel, _previousValue, changed) => {
    // Child loggers report their own changes through the root; only the root's level counts.
    if (changed === main) access.level = label;
  });
  return (record) => {
    const level = record.status >= 500 ? 'error' : record.status >= 400 ? 'warn' : 'info';
    if (!access.isLevelEnabled(level)) return;
    const fields: AccessFields = traceFieldsOf(record.context);
    fields.http_request_method = record.method;
    fields.http_route = record.route;
    fields.http_response_status_code = record.status;
    fields.duration_ms = Math.round(record.durationSeconds * 1e6) / 1e3;
    access[level](fields, 'request completed');
  };
}
