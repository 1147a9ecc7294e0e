// npm run bench:viewer — the viewer's ingest rate and query latency, over HTTP, as a service would see them.
// Starts the built viewer (dist/cli.js) as a child process with a fresh data directory, sends it OTLP span
// batches and Loki pushes encoded as the agent encodes them, fills it to the sizes, then times the
// request page's query and searches. Prints figures; asserts nothing.
//   --spans N (default 1,000,000)  --logs N (default 5,000,000)  --queries N (default 200)
//   --retention-size S (default 64GiB: nothing evicted; a small bound measures ingest while retention trims)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { agentLine, hex, lokiProtobuf, tracesProtobuf, type TestSpan } from '../test/helpers/telemetry.ts';

const { values } = parseArgs({ options: { spans: { type: 'string', default: '1000000' }, logs: { type: 'string', default: '5000000' }, queries: { type: 'string', default: '200' }, 'retention-size': { type: 'string', default: '64GiB' } } });
const TOTAL_SPANS = Number(values.spans);
const TOTAL_LOGS = Number(values.logs);
const QUERIES = Number(values.queries);
const SERVICES = ['gateway', 'orders', 'inventory', 'payments', 'notifications'];
const ROUTES = ['/api/orders', '/orders/:id', '/inventory/reserve', '/payments', '/health'];
const SPANS_PER_TRACE = 10;
const SPANS_PER_BATCH = 510;
const LINES_PER_PUSH = 1000;
const CONCURRENCY = 4;

const dataDir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'threadline-viewer-bench-'));
const child = spawn(process.execPath, [new URL('../dist/cli.js', import.meta.url).pathname, '--port', '0', '--data', dataDir, '--retention-size', values['retention-size'], '--retention-age', '30d'], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise<string>((resolve, reject) => {
  let text = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk;
    const match = /open (http:\/\/\S+)/.exec(text);
    if (match) resolve(match[1]!);
  });
  child.once('exit', (code) => reject(new Error(`the viewer exited (${code}): ${text}`)));
});

/** The viewer's CPU time so far, user + system, in seconds. */
function cpuSeconds(): number {
  const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function rssMb(): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const kb = (name: string): number => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** Known IDs, sampled while sending, for the query phase. */
const knownTraces: string[] = [];
const knownCorrelations: string[] = [];
/** Every trace sent, so that log lines belong to real requests: five lines per trace, one per service. */
const sentTraces: Array<{ traceId: string; spanIds: string[]; correlation: string }> = [];
let traceCounter = 0;
const baseMs = Date.now() - 3_600_000;

function traceBatch(): Uint8Array[] {
  const byService = new Map<string, TestSpan[]>();
  for (let t = 0; t < SPANS_PER_BATCH / SPANS_PER_TRACE; t++) {
    const traceId = hex(16);
    const correlation = `bench-${traceCounter++}`;
    if (traceCounter % 997 === 0) {
      knownTraces.push(traceId);
      knownCorrelations.push(correlation);
    }
    const start = baseMs + traceCounter;
    const spanIds: string[] = [];
    sentTraces.push({ traceId, spanIds, correlation });
    let parent = '';
    for (let s = 0; s < SPANS_PER_TRACE; s++) {
      const service = SERVICES[Math.floor(s / 2)]!;
      const spanId = hex(8);
      spanIds.push(spanId);
      const list = byService.get(service) ?? [];
      list.push({ traceId, spanId, parentSpanId: parent, name: `GET ${ROUTES[s % ROUTES.length]}`, kind: s % 2 === 0 ? 2 : 3, startMs: start + s, durationMs: 20 - s, error: traceCounter % 50 === 0 && s === 9, attributes: { 'http.route': ROUTES[s % ROUTES.length]!, 'http.request.method': 'GET', 'http.response.status_code': 200, 'correlation.id': correlation } });
      byService.set(service, list);
      parent = spanId;
    }
  }
  return [...byService].map(([service, spans]) => tracesProtobuf(service, spans));
}

let lineCounter = 0;
function logPush(): Uint8Array {
  const entries = [];
  for (let i = 0; i < LINES_PER_PUSH; i++) {
    const n = lineCounter++;
    const trace = sentTraces[Math.floor(n / 5) % sentTraces.length]!;
    const service = n % 5;
    // One line in 10,000 says something rare: what a search for one order's problem looks for.
    const msg = n % 10_000 === 0 ? `payment declined for order o-${n}` : `handled request ${n}`;
    entries.push({ timeMs: baseMs + n / 5, line: agentLine({ service: SERVICES[service]!, msg, trace_id: trace.traceId, span_id: trace.spanIds[service * 2], correlation_id: trace.correlation, time: baseMs + n / 5, orderId: `o-${n}` }) });
  }
  return lokiProtobuf([{ labels: { service_name: 'bench', level: 'info' }, entries }]);
}

async function send(path: string, body: Uint8Array): Promise<void> {
  for (;;) {
    const response = await fetch(`${url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/x-protobuf' } });
    await response.arrayBuffer();
    if (response.status === 200 || response.status === 204) return;
    if (response.status === 503 || response.status === 429) {
      refusals++;
      await new Promise((resolve) => setTimeout(resolve, 50));
      continue;
    }
    throw new Error(`${path} answered ${response.status}`);
  }
}
let refusals = 0;

/** Sends `total` rows in bodies from `make`, `CONCURRENCY` at a time; returns rows per second. */
async function ingest(label: string, path: string, total: number, make: () => Uint8Array[], perBody: number): Promise<number> {
  // Bodies are made before the clock starts, so that the sender's encoding does not take the viewer's CPU.
  const bodies: Uint8Array[] = [];
  while (bodies.length * perBody < total) bodies.push(...make());
  let sent = 0;
  let peak = 0;
  const cpuBefore = cpuSeconds();
  const started = performance.now();
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb().rss)), 250);
  async function worker(): Promise<void> {
    for (let body = bodies.pop(); body !== undefined; body = bodies.pop()) {
      sent += perBody;
      await send(path, body);
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  clearInterval(sampler);
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuSeconds() - cpuBefore;
  const rate = sent / seconds;
  console.log(`${label}: ${sent.toLocaleString('en')} in ${seconds.toFixed(1)} s = ${Math.round(rate).toLocaleString('en')}/s; viewer CPU ${((cpu / sent) * 1e6).toFixed(1)} µs each (${Math.round(sent / cpu).toLocaleString('en')}/s per core), RSS peak ${peak.toFixed(0)} MB, refused-and-retried ${refusals}`);
  refusals = 0;
  return rate;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function timeQueries(label: string, paths: string[]): Promise<void> {
  const times: number[] = [];
  for (const path of paths) {
    const started = performance.now();
    const response = await fetch(`${url}${path}`);
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`${path} → ${response.status}`);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  console.log(`${label}: ${paths.length} queries, p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms, max ${times[times.length - 1]!.toFixed(1)} ms`);
}

try {
  console.log(`viewer ${url}, data ${dataDir}; Node ${process.version}; idle RSS ${rssMb().rss.toFixed(0)} MB`);
  await ingest('spans', '/v1/traces', TOTAL_SPANS, traceBatch, SPANS_PER_BATCH / SERVICES.length);
  await ingest('log lines', '/loki/api/v1/push', TOTAL_LOGS, () => [logPush()], LINES_PER_PUSH);
  const indexStarted = performance.now();
  for (;;) {
    const { textIndex } = (await (await fetch(`${url}/api/stats`)).json()) as { textIndex: { linesBehind: number } };
    if (textIndex.linesBehind === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  console.log(`text index caught up ${((performance.now() - indexStarted) / 1000).toFixed(1)} s after the last line arrived`);
  const stats = (await (await fetch(`${url}/api/stats`)).json()) as { store: { spans: number; logs: number; bytes: number }; counters: Record<string, number> };
  const evicted = (name: string): string => (stats.counters[name] ?? 0).toLocaleString('en');
  console.log(`stored: ${stats.store.spans.toLocaleString('en')} spans, ${stats.store.logs.toLocaleString('en')} log lines, ${(stats.store.bytes / 1024 ** 2).toFixed(0)} MB; evicted ${evicted('spans_evicted')} spans, ${evicted('logs_evicted')} lines; viewer RSS ${rssMb().rss.toFixed(0)} MB`);
  if ((stats.counters.logs_evicted ?? 0) + (stats.counters.spans_evicted ?? 0) > 0) console.log('queries skipped: retention evicted some of the IDs they would ask for');
  else await timeAll();
} finally {
  child.kill('SIGTERM');
  await once(child, 'exit');
  rmSync(dataDir, { recursive: true, force: true });
}

async function timeAll(): Promise<void> {
  const pick = <T>(list: T[], i: number): T => list[(i * 7919) % list.length]!;
  await timeQueries('request page by trace ID', Array.from({ length: QUERIES }, (_, i) => `/api/request/${pick(knownTraces, i)}`));
  await timeQueries('request page by correlation ID', Array.from({ length: QUERIES }, (_, i) => `/api/request/${pick(knownCorrelations, i)}`));
  const searches = [
    '/api/search',
    '/api/search?service=gateway',
    '/api/search?status=error',
    '/api/search?minDurationMs=19',
    `/api/search?route=${encodeURIComponent('/api/orders')}&status=ok`,
    `/api/search?from=${baseMs}&to=${baseMs + 600_000}`,
    '/api/search?q=declined',
    `/api/search?q=o-${Math.floor(TOTAL_LOGS / 2)}`,
    '/api/logs?q=declined',
    '/api/services',
    '/api/map',
  ];
  for (const path of searches) await timeQueries(`search ${path}`, Array.from({ length: Math.max(5, Math.floor(QUERIES / 20)) }, () => path));
}
