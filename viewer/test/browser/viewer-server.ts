// A real viewer (store, receivers, API and the UI's static routes) on a free loopback port with a temp data
// directory, and the OTLP/JSON and Loki JSON bodies the browser tests put into it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startViewer } from '../../src/viewer.ts';

export const PUBLIC_DIR = fileURLToPath(new URL('../../dist/public/', import.meta.url));

export interface RunningViewer {
  readonly url: string;
  post(path: string, body: unknown): Promise<void>;
  close(): Promise<void>;
}

export async function startTestViewer(): Promise<RunningViewer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'threadline-viewer-ui-'));
  const viewer = await startViewer({ port: 0, host: '127.0.0.1', dataDir });
  const page = await fetch(`${viewer.url}/`);
  await page.body?.cancel();
  if (page.status !== 200) {
    await viewer.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`the viewer does not serve its page (GET / → ${page.status}): startViewer must mount staticRoutes(router, publicDir) from src/server/static.ts, and dist/public must be built (npm run build -w @threadline/viewer)`);
  }
  return {
    url: viewer.url,
    post: async (path, body) => {
      const response = await fetch(`${viewer.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const text = await response.text();
      if (!response.ok) throw new Error(`POST ${path} → ${response.status} ${text}`);
    },
    close: async () => {
      await viewer.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const KINDS = { INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;

export interface TestSpan {
  service: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: keyof typeof KINDS;
  /** Milliseconds after the trace's start. */
  at: number;
  ms: number;
  error?: string;
  attributes?: Record<string, string | number | boolean>;
}

export interface TestLog {
  service: string;
  spanId: string;
  at: number;
  level: string;
  msg: string;
}

function attributes(values: Record<string, string | number | boolean>): unknown[] {
  return Object.entries(values).map(([key, value]) => ({ key, value: typeof value === 'string' ? { stringValue: value } : typeof value === 'boolean' ? { boolValue: value } : Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value } }));
}

const nanos = (startMs: number, offsetMs: number): string => (BigInt(startMs) * 1_000_000n + BigInt(Math.round(offsetMs * 1e6))).toString();

/** An OTLP/JSON ExportTraceServiceRequest: one resource per service, as each service's exporter would send. */
export function otlpTraces(traceId: string, correlationId: string, startMs: number, spans: TestSpan[]): unknown {
  const services = [...new Set(spans.map((span) => span.service))];
  return {
    resourceSpans: services.map((service) => ({
      resource: { attributes: attributes({ 'service.name': service, 'service.version': '1.0.0' }) },
      scopeSpans: [{
        scope: { name: '@threadline/agent' },
        spans: spans.filter((span) => span.service === service).map((span) => ({
          traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId,
          name: span.name,
          kind: KINDS[span.kind],
          startTimeUnixNano: nanos(startMs, span.at),
          endTimeUnixNano: nanos(startMs, span.at + span.ms),
          attributes: attributes({ 'correlation.id': correlationId, ...span.attributes }),
          status: span.error === undefined ? {} : { code: 2, message: span.error },
        })),
      }],
    })),
  };
}

/** A Loki push in JSON: one stream per service, each line the JSON object the agent's pino writes. */
export function lokiPush(traceId: string, correlationId: string, startMs: number, logs: TestLog[]): unknown {
  const services = [...new Set(logs.map((log) => log.service))];
  return {
    streams: services.map((service) => ({
      stream: { service_name: service },
      values: logs.filter((log) => log.service === service).map((log) => [nanos(startMs, log.at), JSON.stringify({ level: log.level, time: startMs + log.at, service, msg: log.msg, trace_id: traceId, span_id: log.spanId, correlation_id: correlationId })]),
    })),
  };
}

/** Waits until the viewer answers the request with at least `spans` spans and `logs` lines (writes commit asynchronously). */
export async function untilStored(url: string, id: string, spans: number, logs: number): Promise<void> {
  let last = '';
  for (let attempt = 0; attempt < 100; attempt++) {
    const response = await fetch(`${url}/api/request/${encodeURIComponent(id)}`);
    const body = (await response.json()) as { traces?: { spans: unknown[] }[]; logs?: unknown[] };
    const got = [(body.traces ?? []).reduce((sum, trace) => sum + trace.spans.length, 0), (body.logs ?? []).length];
    if (got[0]! >= spans && got[1]! >= logs) return;
    last = `${got[0]} spans, ${got[1]} lines`;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the viewer never stored request ${id}: has ${last}, expected ${spans} spans and ${logs} lines`);
}
