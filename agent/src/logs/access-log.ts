// The access line, one per request: the line a service writes most. It is the line pino would
// write for these fields (same keys, order and level label), built from a template rather than by
// pino: its fields are fixed and the agent's own, already validated (method token, hex IDs,
// correlation ID of [A-Za-z0-9._:-]), so only the route needs escaping, and there is nothing to
// censor; pino's generic path for the same fields costs measurably more (docs/performance.md).
// Its trace fields come from the request's context, handed to the listener.
// The level follows the main logger's; the line goes to the same destination.
import type { Context } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger } from 'pino';
import { graphqlOperationOf } from '../graphql/operations.ts';
import type { ServerRequestListener } from '../http/server.ts';
import { BoundedCache } from '../shared/bounded-cache.ts';
import { traceFieldsOf } from './trace-fields.ts';

const ACCESS_MESSAGE = 'request completed';

const ACCESS_LEVELS = ['info', 'warn', 'error'] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

/** pino's metadata contract: a multistream picks its streams by the level it reads here. */
interface MetadataDestination {
  lastLevel?: number;
}

/** Writes one access line at `level`: the head, the context's IDs, then `fields` (`,"key":value…`). */
export type AccessLineWriter = (level: AccessLevel, ctx: Context, fields: string) => void;

export function accessLineWriter(main: Logger, service: string, destination: DestinationStream): AccessLineWriter {
  const metadata = (destination as { [pino.symbols.needsMetadataGsym]?: boolean })[pino.symbols.needsMetadataGsym] === true;
  const levels = pino.levels.values;
  // The start of each level's line, as pino writes it with the `levelLabel` formatter.
  const head = Object.fromEntries(ACCESS_LEVELS.map((level) => [level, `{"level":"${level}","time":`])) as Record<AccessLevel, string>;
  const serviceField = `,"service":${JSON.stringify(service)}`;
  return (level, ctx, fields) => {
    if (!main.isLevelEnabled(level)) return;
    const { trace_id, span_id, correlation_id } = traceFieldsOf(ctx);
    const ids =
      (trace_id === undefined ? '' : `,"trace_id":"${trace_id}","span_id":"${span_id}"`) +
      (correlation_id === undefined ? '' : `,"correlation_id":"${correlation_id}"`);
    const line = `${head[level]}${Date.now()}${serviceField}${ids}${fields},"msg":"${ACCESS_MESSAGE}"}\n`;
    if (metadata) (destination as MetadataDestination).lastLevel = levels[level];
    destination.write(line);
  };
}

/** Milliseconds with microsecond precision, as every access line gives its duration. */
export function durationMs(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e3;
}

export function createAccessLog(main: Logger, service: string, destination: DestinationStream): ServerRequestListener {
  const write = accessLineWriter(main, service, destination);
  // Route templates are few and repeat on every request: escape each once.
  const routes = new BoundedCache<string>(1000);
  const escaped = (route: string): string => routes.get(route) ?? routes.set(route, JSON.stringify(route));
  return (record) => {
    const level: AccessLevel = record.status >= 500 ? 'error' : record.status >= 400 ? 'warn' : 'info';
    const operation = graphqlOperationOf(record.context);
    const graphql =
      operation === undefined
        ? ''
        : `,"graphql_operation_type":${JSON.stringify(operation.type)}` +
          (operation.name === undefined ? '' : `,"graphql_operation_name":${JSON.stringify(operation.name)}`);
    write(
      level,
      record.context,
      `,"http_request_method":"${record.method}","http_route":${escaped(record.route)}${graphql},` +
        `"http_response_status_code":${statusJson(record.status)},"duration_ms":${durationMs(record.durationSeconds)}`,
    );
  };
}

/** An app can assign any value to `res.statusCode`; the line stays valid JSON whatever it is. */
function statusJson(status: unknown): string {
  return Number.isInteger(status) ? String(status) : JSON.stringify(String(status));
}
