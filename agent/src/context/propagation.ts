// Carries the correlation ID across process boundaries through the same propagation machinery
// OpenTelemetry uses for trace context, so every instrumented transport (HTTP, fetch, AMQP, NATS)
// gets it without code of its own.
import {
  propagation,
  trace,
  type Span,
  type Context,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
} from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { safeDecode } from '../shared/decode.ts';
import { CORRELATION_ATTRIBUTE } from '../traces/span-processors.ts';
import { correlationIdOf, isValidCorrelationId, newCorrelationId, setCorrelationId } from './correlation.ts';

export const BAGGAGE_KEY = 'correlation.id';
const REQUEST_ID_HEADER = 'x-request-id';

export type InvalidIdListener = () => void;

/** Where an inbound correlation ID came from; `generated` when none was usable. */
export interface ResolvedId {
  readonly id: string;
  readonly invalid: boolean;
}

const BAGGAGE_ENTRY = /(?:^|,)\s*correlation\.id\s*=\s*([^,;]*)/;

/**
 * Picks the correlation ID from inbound headers: the configured header, then `x-request-id`,
 * then the `correlation.id` baggage entry. A present but malformed value is never returned: a
 * fresh ID replaces it and `invalid` is set, so the caller can count it.
 */
export function resolveCorrelationId(header: string, getValue: (name: string) => unknown): ResolvedId {
  let invalid = false;
  // Sources are read lazily and without per-call closures: this runs for every request.
  for (let source = 0; source < 3; source++) {
    const value =
      source === 0 ? first(getValue(header)) : source === 1 ? first(getValue(REQUEST_ID_HEADER)) : fromBaggage(getValue('baggage'));
    if (value === undefined) continue;
    if (isValidCorrelationId(value)) return { id: value, invalid };
    invalid = true;
  }
  return { id: newCorrelationId(), invalid };
}

function fromBaggage(value: unknown): string | undefined {
  const header = first(value);
  if (typeof header !== 'string') return undefined;
  const raw = BAGGAGE_ENTRY.exec(header)?.[1]?.trim();
  return raw === undefined ? undefined : safeDecode(raw);
}

function first(value: unknown): unknown {
  if (Array.isArray(value)) return value[0];
  if (Buffer.isBuffer(value)) return value.toString('latin1');
  return value ?? undefined;
}

export class CorrelationPropagator implements TextMapPropagator {
  readonly #header: string;
  readonly #onInvalid: InvalidIdListener;

  constructor(header: string, onInvalid: InvalidIdListener) {
    this.#header = header;
    this.#onInvalid = onInvalid;
  }

  inject(ctx: Context, carrier: unknown, setter: TextMapSetter): void {
    const id = correlationIdOf(ctx) ?? startedBy(trace.getSpan(ctx));
    setter.set(carrier, this.#header, id);
    // The W3C baggage propagator ran first; add our entry unless the context's baggage has it.
    if (propagation.getBaggage(ctx)?.getEntry(BAGGAGE_KEY) !== undefined) return;
    const existing = readCarrier(carrier, 'baggage');
    const entry = `${BAGGAGE_KEY}=${encodeURIComponent(id)}`;
    setter.set(carrier, 'baggage', existing ? `${existing},${entry}` : entry);
  }

  extract(ctx: Context, carrier: unknown, getter: TextMapGetter): Context {
    const { id, invalid } = resolveCorrelationId(this.#header, (name) => getter.get(carrier, name));
    if (invalid) this.#onInvalid();
    return setCorrelationId(ctx, id);
  }

  fields(): string[] {
    return [this.#header, 'baggage'];
  }
}

/** IDs started by a message or call sent outside any request, by the span that sends it. */
const started = new WeakMap<Span, string>();

/**
 * Work outside a request (a job, a timer) has no correlation ID. Its first message or call starts
 * one, so the sending span and every consumer share it rather than each making up its own; it is
 * kept per span, so a retried send carries the same ID.
 */
function startedBy(span: Span | undefined): string {
  if (span === undefined) return newCorrelationId();
  let id = started.get(span);
  if (id === undefined) {
    id = newCorrelationId();
    started.set(span, id);
    span.setAttribute(CORRELATION_ATTRIBUTE, id);
  }
  return id;
}

function readCarrier(carrier: unknown, key: string): string | undefined {
  if (carrier === null || typeof carrier !== 'object') return undefined;
  const value = (carrier as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : undefined;
}

/** Trace context, baggage, and the correlation ID. */
export function createPropagator(header: string, onInvalid: InvalidIdListener): TextMapPropagator {
  return new CompositePropagator({
    propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator(), new CorrelationPropagator(header, onInvalid)],
  });
}
