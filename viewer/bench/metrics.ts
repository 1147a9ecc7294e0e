// The metrics part's costs, printed (not asserted):
//   1. scrape + store per round of 5 agent targets: the agent's own AgentMetrics (agent/dist, so build
//      the agent first) serving OpenMetrics with exemplars from a child process, 10 routes × 2 statuses
//      busy between scrapes, and Node's runtime metrics; this process's CPU and wall time per round;
//   2. /api/metrics/red's query over a day of 5 s samples for 5 services × 10 routes (× 2 statuses).
// Run: npm run build -w @threadline/agent && node_modules/.bin/node viewer/bench/metrics.ts [scrape|red] [rounds]
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { parseExposition } from '../src/scrape/exposition.ts';
import { fetchMetrics } from '../src/scrape/fetch-metrics.ts';
import { Scraper } from '../src/scrape/scraper.ts';
import { parseTarget } from '../src/scrape/targets.ts';
import { inTransaction, openDatabase } from '../src/store/database.ts';
import { seriesIdentity } from '../src/store/metrics-red.ts';
import { metricsSchema } from '../src/store/metrics-schema.ts';
import { MetricsTable, type MetricsEntry } from '../src/store/metrics-table.ts';
import { redWindow } from '../src/store/metrics-window.ts';
import { Writer } from '../src/store/writer.ts';

const SERVICES = ['gateway', 'orders', 'inventory', 'payments', 'notifications'];
const ROUTES = Array.from({ length: 10 }, (_, i) => `/api/route-${i}/:id`);
const BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

function hex(n: number, length: number): string {
  return n.toString(16).padStart(length, '0').slice(-length);
}

/** The child: five agent registries, each on its own port, busy on every route before each render. */
async function targets(): Promise<void> {
  const { AgentMetrics } = await import('../../agent/dist/metrics/agent-metrics.js');
  let request = 0;
  const ports: number[] = [];
  for (const service of SERVICES) {
    const metrics = new AgentMetrics(service);
    const server = createServer((incoming, response) => {
      for (const route of ROUTES) {
        for (const status of [200, 200, 200, 500]) {
          request++;
          const context = trace.setSpanContext(ROOT_CONTEXT, { traceId: hex(request, 32), spanId: hex(request, 16), traceFlags: 1 });
          metrics.recordServerRequest({ context, method: 'GET', route, status, durationSeconds: (request % 97) / 100 });
        }
      }
      const openMetrics = String(incoming.headers.accept).includes('application/openmetrics-text');
      void metrics.render(openMetrics).then((body: string) => response.writeHead(200, { 'content-type': openMetrics ? 'application/openmetrics-text; version=1.0.0; charset=utf-8' : 'text/plain; version=0.0.4' }).end(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    ports.push((server.address() as AddressInfo).port);
  }
  process.send!(ports);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

const fmt = (ms: number): string => ms.toFixed(2);

async function scrapeBench(rounds: number): Promise<void> {
  const child = fork(new URL(import.meta.url), ['--targets'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ports = await new Promise<number[]>((resolve) => child.once('message', (message) => resolve(message as number[])));
  const dir = mkdtempSync(join(tmpdir(), 'threadline-metrics-bench-'));
  try {
    const db = openDatabase(dir, [metricsSchema]);
    const table = new MetricsTable(db);
    const writer = new Writer(db, { maxPendingRows: 1_000_000, rowsPerTransaction: 20_000 });
    const list = ports.map((port) => parseTarget(`127.0.0.1:${port}`, '--scrape'));
    const sample = await fetchMetrics(list[0]!.url, { timeoutMs: 5000, maxBytes: 16 * 1024 ** 2 });
    const parsed = parseExposition(sample.body, { openMetrics: sample.openMetrics });
    let t = Date.now();
    const scraper = new Scraper(list, table, writer, { intervalMs: 5000, now: () => t });
    for (let i = 0; i < 5; i++) {
      t += 5000;
      await scraper.scrapeOnce();
    }
    const wall: number[] = [];
    const cpu: number[] = [];
    const rowsBefore = Number((db.prepare('SELECT count(*) AS n FROM metric_samples').get() as { n: number }).n);
    for (let i = 0; i < rounds; i++) {
      t += 5000;
      const start = performance.now();
      const usage = process.cpuUsage();
      await scraper.scrapeOnce();
      const spent = process.cpuUsage(usage);
      wall.push(performance.now() - start);
      cpu.push((spent.user + spent.system) / 1000);
    }
    const rows = Number((db.prepare('SELECT count(*) AS n FROM metric_samples').get() as { n: number }).n) - rowsBefore;
    const exemplars = Number((db.prepare('SELECT count(*) AS n FROM metric_exemplars').get() as { n: number }).n);
    const status = scraper.status().targets;
    console.log(`scrape: ${list.length} agent targets, each body ${(sample.body.length / 1024).toFixed(1)} KiB (${sample.openMetrics ? 'OpenMetrics' : 'text'}), ${parsed.samples.length} samples, ${status[0]!.series} RED series; all series busy between scrapes`);
    console.log(`scrape: ${rounds} rounds of 5 targets: wall median ${fmt(percentile(wall, 0.5))} ms, p95 ${fmt(percentile(wall, 0.95))} ms; viewer CPU median ${fmt(percentile(cpu, 0.5))} ms, p95 ${fmt(percentile(cpu, 0.95))} ms per round (${fmt(percentile(cpu, 0.5) / list.length)} ms a target); ${(rows / rounds).toFixed(0)} samples stored a round, ${exemplars} exemplars in all`);
    const parseRuns: number[] = [];
    for (let i = 0; i < 50; i++) {
      const start = performance.now();
      parseExposition(sample.body, { openMetrics: sample.openMetrics });
      parseRuns.push(performance.now() - start);
    }
    console.log(`scrape: parsing one body: median ${fmt(percentile(parseRuns, 0.5))} ms`);
    db.close();
  } finally {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

function queryBench(): void {
  const dir = mkdtempSync(join(tmpdir(), 'threadline-metrics-bench-'));
  try {
    const db = openDatabase(dir, [metricsSchema]);
    const table = new MetricsTable(db);
    const DAY = 86_400_000;
    const STEP = 5000;
    const end = Math.floor(Date.now() / STEP) * STEP;
    const start = end - DAY;
    const series = SERVICES.flatMap((service) =>
      ROUTES.flatMap((route) =>
        ['200', '500'].map((status) => {
          const labels = { service, http_route: route, http_request_method: 'GET', http_response_status_code: status };
          return { ...seriesIdentity('http_server_request_duration_seconds', service, labels), target: `${service}:9464`, labels, bounds: BOUNDS };
        }),
      ),
    );
    const counts = series.map(() => new Array<number>(BOUNDS.length).fill(0));
    const totals = series.map(() => 0);
    const loadStart = performance.now();
    let samples = 0;
    for (let t = start; t <= end; t += STEP * 360) {
      inTransaction(db, () => {
        for (let u = t; u < Math.min(end + 1, t + STEP * 360); u += STEP) {
          const entries: MetricsEntry[] = series.map((record, s) => {
            const observed = record.status === '500' ? 1 : 4;
            totals[s]! += observed;
            const buckets = counts[s]!;
            const into = (u / STEP + s) % BOUNDS.length;
            for (let b = into; b < BOUNDS.length; b++) buckets[b]! += observed;
            const exemplars = u % 60_000 === 0 ? [{ t: u, traceId: hex(u + s, 32), spanId: hex(s, 16), value: BOUNDS[into]! }] : [];
            return { series: record, samples: [{ t: u, count: totals[s]!, sum: totals[s]! * 0.1, buckets: [...buckets], baseline: u === start }], exemplars };
          });
          samples += entries.length;
          table.insert({ entries });
        }
      });
    }
    db.exec('ANALYZE');
    const bytes = statSync(join(dir, 'threadline.db')).size;
    console.log(`red: loaded ${samples} samples (${series.length} series, a day at 5 s) in ${((performance.now() - loadStart) / 1000).toFixed(1)} s; database ${(bytes / 1024 ** 2).toFixed(1)} MiB (${(bytes / samples).toFixed(0)} bytes a sample, exemplars included)`);
    const cases: Array<[string, Parameters<typeof redWindow>[1]]> = [
      ['one service and route, the day, 240 points', { metric: 'http_server_request_duration_seconds', service: 'orders', route: ROUTES[3], from: start, to: end, step: DAY / 240 }],
      ['one service (10 routes), the day, 240 points', { metric: 'http_server_request_duration_seconds', service: 'orders', route: undefined, from: start, to: end, step: DAY / 240 }],
      ['one service (10 routes), the last hour at 15 s', { metric: 'http_server_request_duration_seconds', service: 'orders', route: undefined, from: end - 3_600_000, to: end, step: 15_000 }],
      ['one service and route, 15 minutes at 5 s (request page)', { metric: 'http_server_request_duration_seconds', service: 'orders', route: ROUTES[3], from: end - 900_000, to: end, step: 5000 }],
      ['all 5 services, the day, 240 points', { metric: 'http_server_request_duration_seconds', service: undefined, route: undefined, from: start, to: end, step: DAY / 240 }],
    ];
    for (const [name, query] of cases) {
      const runs: number[] = [];
      const cpu: number[] = [];
      let result = redWindow(table, query);
      for (let i = 0; i < 15; i++) {
        const t0 = performance.now();
        const usage = process.cpuUsage();
        result = redWindow(table, query);
        const spent = process.cpuUsage(usage);
        runs.push(performance.now() - t0);
        cpu.push((spent.user + spent.system) / 1000);
      }
      console.log(`red: ${name}: wall median ${fmt(percentile(runs, 0.5))} ms, p95 ${fmt(percentile(runs, 0.95))} ms; CPU median ${fmt(percentile(cpu, 0.5))} ms (${result.points.length} points, ${result.exemplars.length} exemplars)`);
    }
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--targets')) {
  await targets();
} else {
  // `scrape`, `red`, or both; then the number of scrape rounds.
  const only = process.argv.find((arg) => arg === 'scrape' || arg === 'red');
  const rounds = Number(process.argv.find((arg) => /^\d+$/.test(arg)) ?? 200);
  if (only !== 'red') await scrapeBench(rounds);
  if (only !== 'scrape') queryBench();
}
