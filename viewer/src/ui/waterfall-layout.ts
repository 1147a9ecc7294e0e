// The waterfall's rows: spans in tree order (children after their parent, siblings by start time), with
// their depth and their offset from the request's start. A span whose parent is missing (not received,
// or in another trace of the same correlation ID) starts a tree of its own. No DOM here.

export interface LayoutSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly startTimeUnixNano: string;
  readonly durationMs: number;
}

export interface WaterfallRow<S extends LayoutSpan> {
  readonly span: S;
  readonly depth: number;
  /** Milliseconds from the earliest span's start. */
  readonly offsetMs: number;
  readonly hasChildren: boolean;
}

export interface Waterfall<S extends LayoutSpan> {
  readonly rows: WaterfallRow<S>[];
  /** Unix ms of the earliest start (the axis' zero). */
  readonly startMs: number;
  /** From the earliest start to the latest end. */
  readonly totalMs: number;
}

/** Unix nanoseconds (a decimal string) to unix ms, keeping sub-millisecond precision. */
export function nanosToMs(nanos: string): number {
  if (!/^\d+$/.test(nanos)) return Number.NaN;
  const big = BigInt(nanos);
  return Number(big / 1_000_000n) + Number(big % 1_000_000n) / 1e6;
}

const key = (traceId: string, spanId: string): string => `${traceId}/${spanId}`;

export function layoutWaterfall<S extends LayoutSpan>(spans: readonly S[]): Waterfall<S> {
  const starts = new Map<S, number>(spans.map((span) => [span, nanosToMs(span.startTimeUnixNano)]));
  const byKey = new Map(spans.map((span) => [key(span.traceId, span.spanId), span]));
  const children = new Map<S | undefined, S[]>();
  for (const span of spans) {
    const parent = span.parentSpanId === '' ? undefined : byKey.get(key(span.traceId, span.parentSpanId));
    const list = children.get(parent === span ? undefined : parent) ?? [];
    list.push(span);
    children.set(parent === span ? undefined : parent, list);
  }
  const byStart = (a: S, b: S): number => starts.get(a)! - starts.get(b)! || a.spanId.localeCompare(b.spanId);
  for (const list of children.values()) list.sort(byStart);

  let startMs = Number.POSITIVE_INFINITY;
  let endMs = Number.NEGATIVE_INFINITY;
  for (const span of spans) {
    startMs = Math.min(startMs, starts.get(span)!);
    endMs = Math.max(endMs, starts.get(span)! + Math.max(0, span.durationMs));
  }
  if (spans.length === 0) startMs = endMs = 0;

  const rows: WaterfallRow<S>[] = [];
  const seen = new Set<S>();
  // Iterative depth-first walk: deep traces must not overflow the stack, and a parent cycle in bad data must end.
  const stack: { span: S; depth: number }[] = [...(children.get(undefined) ?? [])].reverse().map((span) => ({ span, depth: 0 }));
  const visit = (): void => {
    while (stack.length > 0) {
      const { span, depth } = stack.pop()!;
      if (seen.has(span)) continue;
      seen.add(span);
      const kids = children.get(span) ?? [];
      rows.push({ span, depth, offsetMs: starts.get(span)! - startMs, hasChildren: kids.length > 0 });
      for (let index = kids.length - 1; index >= 0; index--) stack.push({ span: kids[index]!, depth: depth + 1 });
    }
  };
  visit();
  // Spans only reachable through a cycle have no root; show them rather than drop them.
  for (const span of [...spans].sort(byStart)) {
    if (seen.has(span)) continue;
    stack.push({ span, depth: 0 });
    visit();
  }
  return { rows, startMs, totalMs: Math.max(0, endMs - startMs) };
}

/** What a span is, for its label: HTTP, messaging (AMQP…), database, RPC, or internal work. */
export function spanCategory(kind: string, attributes: Record<string, unknown>): 'http' | 'messaging' | 'db' | 'rpc' | 'internal' {
  const has = (prefix: string): boolean => Object.keys(attributes).some((name) => name.startsWith(prefix));
  if ('db.system' in attributes || 'db.system.name' in attributes) return 'db';
  if ('messaging.system' in attributes || has('messaging.')) return 'messaging';
  if ('rpc.system' in attributes) return 'rpc';
  if (has('http.') || 'url.full' in attributes || 'url.path' in attributes) return 'http';
  return kind === 'PRODUCER' || kind === 'CONSUMER' ? 'messaging' : 'internal';
}

/** A short label for a span's category: the system name where there is one (postgresql, rabbitmq). */
export function categoryLabel(kind: string, attributes: Record<string, unknown>): string {
  const category = spanCategory(kind, attributes);
  const system = attributes['db.system'] ?? attributes['db.system.name'] ?? attributes['messaging.system'] ?? attributes['rpc.system'];
  if (category === 'http') return 'HTTP';
  if (category === 'internal') return kind === 'INTERNAL' || kind === '' ? 'internal' : kind.toLowerCase();
  return typeof system === 'string' && system !== '' ? system : category === 'db' ? 'DB' : category;
}
