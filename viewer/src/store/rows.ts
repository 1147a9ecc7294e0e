// The rows the receivers produce and the store keeps: one shape per signal, whatever wire format it came in.

/** OTLP's SpanKind, by its enum number. */
export const SPAN_KINDS = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'] as const;
/** OTLP's Status.code, by its enum number. */
export const STATUS_CODES = ['UNSET', 'OK', 'ERROR'] as const;

export type Attributes = Record<string, unknown>;

export interface SpanRow {
  readonly traceId: string;
  readonly spanId: string;
  /** '' for a root span. */
  readonly parentSpanId: string;
  readonly service: string;
  readonly name: string;
  /** SpanKind enum number (0–5). */
  readonly kind: number;
  readonly startNs: bigint;
  readonly durationMs: number;
  /** Status.code enum number (0–2). */
  readonly statusCode: number;
  readonly statusMessage: string;
  /** `http.route`, or `messaging.destination.name` for messaging spans: what the search and the service pages group by. */
  readonly route: string | null;
  readonly httpStatus: number | null;
  readonly correlationId: string | null;
  readonly attributes: Attributes;
  readonly resource: Attributes;
  readonly events: readonly SpanEvent[];
  readonly scope: string;
}

export interface SpanEvent {
  readonly name: string;
  readonly timeUnixNano: string;
  readonly attributes: Attributes;
}

export interface LogRow {
  readonly timeNs: bigint;
  readonly service: string;
  readonly level: string;
  readonly msg: string;
  readonly traceId: string | null;
  readonly spanId: string | null;
  readonly correlationId: string | null;
  /** The line as it was received (Loki), or the record as JSON (OTLP). */
  readonly line: string;
}

/** What one ingest request hands the writer; it is stored in one transaction, all or nothing. */
export interface IngestBatch {
  readonly spans?: readonly SpanRow[];
  readonly logs?: readonly LogRow[];
}

export function batchRows(batch: IngestBatch): number {
  return (batch.spans?.length ?? 0) + (batch.logs?.length ?? 0);
}
