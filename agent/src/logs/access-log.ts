// The access line, one per request: the line a service writes most. It is the line pino would
// write for these fields (same keys, order and level label), built from a template rather than by
// pino: its fields are fixed and the agent's own, already validated (method token, hex IDs,
// correlation ID of [A-Za-z0-9._:-]), so only the route needs escaping, and there is nothing to
// censor; pino's generic path for the same fields costs measurably more (docs/performance.md).
// Its trace fields come from the request's context, handed to the listener.
// The level follows the main logger's; the line goes to the same destination.
import pino, { type DestinationStream, type Logger } from 'pino';
import { graphqlOperationOf } from '../graphql/operations.ts';
import type { ServerRequestListener } from '../http/server.ts';
import { BoundedCache } from '../shared/bounded-cache.ts';
import { traceFieldsOf } from './trace-fields.ts';

const ACCESS_MESSAGE = 'request completed';

const ACCESS_LEVELS = ['info', 'warn', 'error'] as const;
type AccessLevel = (typeof ACCESS_LEVELS)[number];

/** pino's metadata contract: a multistream picks its streams by the level it reads here. */
interface MetadataDestination {
  lastLevel?: number;
}

export function createAccessLog(main: Logger, service: string, destination: DestinationStream): ServerRequestListener {
  const metadata = (destination as { [pino.symbols.needsMetadataGsym]?: boolean })[pino.symbols.needsMetadataGsym] === true;
  const levels = pino.levels.values;
  // The start of each level's line, as pino writes it with the `levelLabel` formatter.
  const head = Object.fromEntries(ACCESS_LEVELS.map((level) => [level, `{"level":"${level}","time":`])) as Record<AccessLevel, string>;
  const serviceField = `,"service":${JSON.stringify(service)}`;
  // Route templates are few and repeat on every request: escape each once.
  const routes = new BoundedCache<string>(1000);
  const escaped = (route: string): string => routes.get(route) ?? routes.set(route, JSON.stringify(route));
  return (record) => {
    const level: AccessLevel = record.status >= 500 ? 'error' : record.status >= 400 ? 'warn' : 'info';
    if (!main.isLevelEnabled(level)) return;
    const { trace_id, span_id, correlation_id } = traceFieldsOf(record.context);
    const ids =
      (trace_id === undefined ? '' : `,"trace_id":"${trace_id}","span_id":"${span_id}"`) +
      (correlation_id === undefined ? '' : `,"correlation_id":"${correlation_id}"`);
    const durationMs = Math.round(record.durationSeconds * 1e6) / 1e3;
    const operation = graphqlOperationOf(record.context);
    const graphql =
      operation === undefined
        ? ''
        : `,"graphql_operation_type":${JSON.stringify(operation.type)}` +
          (operation.name === undefined ? '' : `,"graphql_operation_name":${JSON.stringify(operation.name)}`);
    const line =
      `${head[level]}${Date.now()}${serviceField}${ids},"http_request_method":"${record.method}",` +
      `"http_route":${escaped(record.route)}${graphql},"http_response_status_code":${statusJson(record.status)},` +
      `"duration_ms":${durationMs},"msg":"${ACCESS_MESSAGE}"}\n`;
    if (metadata) (destination as MetadataDestination).lastLevel = levels[level];
    destination.write(line);
  };
}

/** An app can assign any value to `res.statusCode`; the line stays valid JSON whatever it is. */
function statusJson(status: unknown): string {
  return Number.isInteger(status) ? String(status) : JSON.stringify(String(status));
}
