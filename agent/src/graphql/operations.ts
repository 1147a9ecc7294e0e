// GraphQL operations, from the tracing channels graphql-js 17 publishes (graphql:execute, and
// graphql:resolve for field spans): nothing is patched, and a service without graphql pays for
// three idle channel subscriptions. Each operation gets one span (`query GetUser`), its type and
// name on the request's server span (and so in the access line), and a duration in
// graphql_server_operation_duration_seconds. A span per resolved field, OpenTelemetry's GraphQL
// instrumentation's known cost, only when asked for (THREADLINE_GRAPHQL_FIELD_SPANS).
import diagnostics from 'node:diagnostics_channel';
import { context, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import { getRPCMetadata } from '@opentelemetry/core';
import { lazyTracer } from '../traces/lazy-tracer.ts';

export interface GraphqlOperation {
  /** `query`, `mutation`, `subscription`, or `unknown` when the document had no such operation. */
  readonly type: string;
  /** Undefined for an anonymous operation. */
  readonly name: string | undefined;
}

export interface GraphqlOperationRecord extends GraphqlOperation {
  /** The operation span's context, for the exemplar. */
  readonly context: Context;
  readonly outcome: 'success' | 'failure';
  readonly durationSeconds: number;
}

export interface GraphqlOptions {
  readonly fieldSpans: boolean;
  readonly onOperation: (record: GraphqlOperationRecord) => void;
}

/** What graphql-js 17 publishes on graphql:execute and graphql:resolve (the parts read here). */
interface Traced {
  error?: unknown;
  result?: unknown;
}
interface ExecuteMessage extends Traced {
  operationName?: string;
  operationType?: string;
}
interface ResolveMessage extends Traced {
  fieldName: string;
  parentType: string;
  fieldType: string;
  fieldPath: string;
}

interface Running {
  readonly span: Span;
  readonly context: Context;
  readonly startNs: bigint;
  readonly operation: GraphqlOperation;
}

const tracer = lazyTracer('@threadline/agent/graphql');

/** Operations by the server span of their request: the access line reads them from there. */
const byServerSpan = new WeakMap<Span, GraphqlOperation>();
/** Running operation spans by server span, the parent of field spans. */
const operationSpans = new WeakMap<Span, Span>();

/** The GraphQL operation a request ran, if any (its context holds the server span). */
export function graphqlOperationOf(ctx: Context): GraphqlOperation | undefined {
  const span = trace.getSpan(ctx);
  return span === undefined ? undefined : byServerSpan.get(span);
}

export function traceGraphqlOperations(options: GraphqlOptions): void {
  const running = new WeakMap<object, Running>();
  traceChannel<ExecuteMessage>('graphql:execute', running, (message) => {
    const active = context.active();
    const operation: GraphqlOperation = { type: message.operationType ?? 'unknown', name: message.operationName || undefined };
    const span = tracer().startSpan(
      operation.name === undefined ? operation.type : `${operation.type} ${operation.name}`,
      { kind: SpanKind.INTERNAL, attributes: attributesOf(operation) },
      active,
    );
    // Express layer spans, when on, sit between the handler and the server span.
    const server = getRPCMetadata(active)?.span ?? trace.getSpan(active);
    if (server !== undefined) {
      byServerSpan.set(server, operation);
      operationSpans.set(server, span);
      server.setAttributes(attributesOf(operation));
    }
    return { span, context: trace.setSpan(active, span), startNs: process.hrtime.bigint(), operation };
  }, (state, outcome) => {
    const { operation } = state;
    options.onOperation({ ...operation, context: state.context, outcome, durationSeconds: Number(process.hrtime.bigint() - state.startNs) / 1e9 });
  });
  if (!options.fieldSpans) return;
  traceChannel<ResolveMessage>('graphql:resolve', running, (message) => {
    const active = context.active();
    const server = getRPCMetadata(active)?.span ?? trace.getSpan(active);
    const operationSpan = server === undefined ? undefined : operationSpans.get(server);
    const parent = operationSpan === undefined ? active : trace.setSpan(active, operationSpan);
    const span = tracer().startSpan(
      `${message.parentType}.${message.fieldName}`,
      {
        kind: SpanKind.INTERNAL,
        attributes: { 'graphql.field.name': message.fieldName, 'graphql.field.type': message.fieldType, 'graphql.field.path': message.fieldPath },
      },
      parent,
    );
    return { span, context: trace.setSpan(parent, span), startNs: 0n, operation: { type: 'field', name: message.fieldName } };
  });
}

/**
 * graphql-js publishes `end` when the call returns, with `result` (possibly undefined) or `error`
 * set; for a promise, neither is set until `asyncEnd`, when it settles.
 */
function traceChannel<M extends Traced>(
  name: string,
  running: WeakMap<object, Running>,
  begin: (message: M) => Running,
  finished?: (state: Running, outcome: 'success' | 'failure') => void,
): void {
  const finish = (message: M): void => {
    const state = running.get(message);
    if (state === undefined) return;
    running.delete(message);
    const errors = (message.result as { errors?: readonly unknown[] } | undefined)?.errors;
    const failed = message.error !== undefined || (errors !== undefined && errors.length > 0);
    if (message.error instanceof Error) state.span.recordException(message.error);
    if (failed) state.span.setStatus({ code: SpanStatusCode.ERROR });
    state.span.end();
    finished?.(state, failed ? 'failure' : 'success');
  };
  diagnostics.tracingChannel<object, M>(name).subscribe({
    start: (message) => {
      running.set(message, begin(message));
    },
    end: (message) => {
      if ('result' in message || 'error' in message) finish(message);
    },
    asyncStart: () => undefined,
    asyncEnd: finish,
    error: () => undefined,
  });
}

function attributesOf(operation: GraphqlOperation): Record<string, string> {
  const attributes: Record<string, string> = { 'graphql.operation.type': operation.type };
  if (operation.name !== undefined) attributes['graphql.operation.name'] = operation.name;
  return attributes;
}
