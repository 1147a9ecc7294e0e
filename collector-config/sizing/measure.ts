// What one service with the agent sends to each backend at a fixed request rate: spans/s and
// OTLP bytes/s (Tempo), log lines/s and push bytes/s (Loki), stdout bytes/s (a node's log
// collector), active series and bytes per scrape (Prometheus), and the agent's CPU and memory
// over the same app without it. The app is the agent benchmark's (agent/bench/fixtures/app.cjs:
// Express 5, /chain calls an upstream, so one request makes a server and a client span); the
// receiver here answers as the collector and Loki do and counts what arrives.
//
//   npm run sizing -w @threadline/collector-config -- [--rate 1000] [--duration 30] [--path /chain]
import { closeSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { gunzipSync, gzipSync } from 'node:zlib';
import { AGENT_REGISTER, FIXTURES, autocannon, cpuSeconds, flag, freePort, option, rssMb, spawnNode, stop, waitForOk } from '../../agent/bench/lib.ts';
import { decodeLokiPush } from '../../agent/test/helpers/loki-push.ts';
import { countSpans } from './otlp-spans.ts';

const rate = flag('rate', 1000);
const duration = flag('duration', 30);
const path = option('path') ?? '/chain';
/** The compose Prometheus scrapes every 15 s (collector-config/prometheus/prometheus.yml). */
const SCRAPE_INTERVAL_S = 15;

interface Counts {
  spans: number;
  otlpBytes: number;
  otlpRequests: number;
  lokiLines: number;
  lokiBytes: number;
  lokiRequests: number;
}

const counts: Counts = { spans: 0, otlpBytes: 0, otlpRequests: 0, lokiLines: 0, lokiBytes: 0, lokiRequests: 0 };
/** What arrived in the measured run, to see how far it compresses (the collector sends gzip on; Loki compresses its chunks). */
const received: { otlp: Buffer[]; lokiLines: string[] } = { otlp: [], lokiLines: [] };
const snappy = createRequire(import.meta.url)('snappyjs') as { compress(data: Uint8Array): Uint8Array };

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const receiver = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/hello') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"hello":"upstream"}');
    return;
  }
  void body(req).then((raw) => {
    if (req.url === '/loki/api/v1/push') {
      counts.lokiBytes += raw.length;
      counts.lokiRequests += 1;
      const entries = decodeLokiPush(raw);
      counts.lokiLines += entries.length;
      for (const entry of entries) received.lokiLines.push(entry.line);
      res.writeHead(204).end();
    } else if (req.url === '/v1/traces') {
      const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      counts.otlpBytes += raw.length;
      counts.otlpRequests += 1;
      counts.spans += countSpans(body);
      received.otlp.push(body);
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    } else {
      res.writeHead(404).end();
    }
  });
});
receiver.keepAliveTimeout = 60_000;

interface Run {
  cpuCoresPerKRps: number;
  rssMb: number;
  achievedRps: number;
  stdoutBytes: number;
  stdoutLines: number;
  series: number;
  scrapeBytes: number;
  /** Series per metric family (histogram buckets, _count and _sum counted with their histogram). */
  families: Map<string, number>;
}

async function run(withAgent: boolean, receiverUrl: string, stdoutFile: string): Promise<Run> {
  const port = await freePort();
  const metricsPort = await freePort();
  const out = openSync(stdoutFile, 'w');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    PORT: String(port),
    UPSTREAM_URL: receiverUrl,
    NODE_ENV: 'production',
    OTEL_SERVICE_NAME: 'orders',
    OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=production,k8s.namespace.name=shop,k8s.pod.name=orders-7d9c8b6f5-x2x9q,k8s.node.name=node-a',
    OTEL_EXPORTER_OTLP_ENDPOINT: receiverUrl,
    THREADLINE_LOKI_URL: receiverUrl,
    THREADLINE_METRICS_PORT: String(metricsPort),
  };
  const app = spawnNode(0, [...(withAgent ? ['-r', AGENT_REGISTER] : []), `${FIXTURES}app.cjs`], { env, stdio: ['ignore', out, 'ignore'] });
  try {
    const url = `http://127.0.0.1:${port}`;
    await waitForOk(`${url}/hello`, performance.now());
    // Warm-up at the same rate (V8 optimizes for seconds), then the measured run.
    await autocannon(`${url}${path}`, ['-c', '20', '-d', '10', '-R', String(rate)]);
    await new Promise((resolve) => setTimeout(resolve, 6000));
    Object.assign(counts, { spans: 0, otlpBytes: 0, otlpRequests: 0, lokiLines: 0, lokiBytes: 0, lokiRequests: 0 });
    Object.assign(received, { otlp: [], lokiLines: [] });
    const stdoutBefore = statSync(stdoutFile).size;
    const linesBefore = readFileSync(stdoutFile, 'utf8').split('\n').length;
    const pid = app.pid as number;
    const cpuBefore = cpuSeconds(pid);
    const result = await autocannon(`${url}${path}`, ['-c', '20', '-d', String(duration), '-R', String(rate)]);
    const cpu = cpuSeconds(pid) - cpuBefore;
    // Let the batch span processor (5 s) and the Loki batcher deliver what the run produced.
    await new Promise((resolve) => setTimeout(resolve, 7000));
    const stdout = readFileSync(stdoutFile, 'utf8');
    let series = 0;
    let scrapeBytes = 0;
    const families = new Map<string, number>();
    if (withAgent) {
      const scrape = await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { headers: { accept: 'application/openmetrics-text; version=1.0.0' } });
      const text = await scrape.text();
      scrapeBytes = Buffer.byteLength(text);
      const samples = text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
      series = samples.length;
      for (const sample of samples) {
        const name = (/^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(sample)?.[0] ?? '').replace(/_(bucket|count|sum|created|total)$/, '');
        families.set(name, (families.get(name) ?? 0) + 1);
      }
    }
    const achievedRps = result.requests.average;
    return {
      cpuCoresPerKRps: cpu / duration / (achievedRps / 1000),
      rssMb: rssMb(pid),
      achievedRps,
      stdoutBytes: statSync(stdoutFile).size - stdoutBefore,
      stdoutLines: stdout.split('\n').length - linesBefore,
      series,
      scrapeBytes,
      families,
    };
  } finally {
    await stop(app);
    closeSync(out);
  }
}

/** Compressed size against the raw size of what arrived, as "N KiB/s per 1,000 req/s (x % of raw)". */
function ratio(compressed: number, raw: ReadonlyArray<Buffer | string>, perKRps: (n: number) => number): string {
  const rawBytes = raw.reduce((sum, item) => sum + Buffer.byteLength(item), 0);
  return `${(perKRps(compressed) / 1024).toFixed(1)} KiB/s (${((100 * compressed) / Math.max(rawBytes, 1)).toFixed(0)} % of raw)`;
}

async function main(): Promise<void> {
  const receiverPort = await freePort();
  receiver.listen(receiverPort, '127.0.0.1');
  const receiverUrl = `http://127.0.0.1:${receiverPort}`;
  const stdoutFile = join(tmpdir(), `threadline-sizing-${process.pid}.log`);
  try {
    const bare = await run(false, receiverUrl, stdoutFile);
    const agent = await run(true, receiverUrl, stdoutFile);
    const perSecond = (n: number): number => n / duration;
    const perKRps = (n: number): number => perSecond(n) / (agent.achievedRps / 1000);
    const rows: Array<[string, string]> = [
      ['offered / achieved rate', `${rate} / ${agent.achievedRps.toFixed(0)} req/s on ${path} (bare: ${bare.achievedRps.toFixed(0)})`],
      ['spans/s per 1,000 req/s', perKRps(counts.spans).toFixed(0)],
      ['OTLP bytes/s to the collector per 1,000 req/s', `${(perKRps(counts.otlpBytes) / 1024).toFixed(1)} KiB/s in ${perSecond(counts.otlpRequests).toFixed(2)} requests/s (${(counts.otlpBytes / Math.max(counts.spans, 1)).toFixed(0)} B/span)`],
      ['Loki lines/s per 1,000 req/s', perKRps(counts.lokiLines).toFixed(0)],
      ['Loki push bytes/s per 1,000 req/s', `${(perKRps(counts.lokiBytes) / 1024).toFixed(1)} KiB/s in ${perSecond(counts.lokiRequests).toFixed(2)} pushes/s (${(counts.lokiBytes / Math.max(counts.lokiLines, 1)).toFixed(0)} B/line; the agent frames the body as one snappy literal, uncompressed)`],
      ['the same, compressed', `OTLP gzip ${ratio(gzipSync(Buffer.concat(received.otlp)).length, received.otlp, perKRps)}; log lines snappy ${ratio(snappy.compress(Buffer.from(received.lokiLines.join('\n'))).length, received.lokiLines, perKRps)}, gzip ${ratio(gzipSync(received.lokiLines.join('\n')).length, received.lokiLines, perKRps)}`],
      ['stdout per 1,000 req/s', `${(perKRps(agent.stdoutBytes) / 1024).toFixed(1)} KiB/s, ${perKRps(agent.stdoutLines).toFixed(0)} lines/s (${(agent.stdoutBytes / Math.max(agent.stdoutLines, 1)).toFixed(0)} B/line)`],
      ['active series (one route, one upstream)', `${agent.series}, ${(agent.scrapeBytes / 1024).toFixed(1)} KiB per scrape = ${(agent.scrapeBytes / SCRAPE_INTERVAL_S / 1024).toFixed(2)} KiB/s at a ${SCRAPE_INTERVAL_S} s interval`],
      ['CPU per 1,000 req/s', `agent ${agent.cpuCoresPerKRps.toFixed(3)} cores, bare ${bare.cpuCoresPerKRps.toFixed(3)} cores: the agent adds ${(agent.cpuCoresPerKRps - bare.cpuCoresPerKRps).toFixed(3)}`],
      ['RSS after the run', `agent ${agent.rssMb.toFixed(0)} MiB, bare ${bare.rssMb.toFixed(0)} MiB: the agent adds ${(agent.rssMb - bare.rssMb).toFixed(0)} MiB`],
    ];
    for (const [what, value] of rows) console.log(`| ${what} | ${value} |`);
    const request = [...agent.families].filter(([name]) => /^(http|rpc|messaging)_/.test(name));
    const rest = agent.series - request.reduce((sum, [, n]) => sum + n, 0);
    console.log(`| series per family | ${request.map(([name, n]) => `${name} ${n}`).join(', ')}; runtime and agent health ${rest} |`);
  } finally {
    rmSync(stdoutFile, { force: true });
    receiver.close();
  }
}

await main();
