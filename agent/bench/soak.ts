// Soak: steady load against an Express app with the agent fully on, Loki and the OTLP endpoint
// down for the first half and back for the second. Prints RSS over time, log lines delivered vs
// dropped, spans exported vs dropped, and p99 latency per half.
//
//   npm run soak -- [--minutes 5] [--rate 400]
import { startLokiReceiver, startOtlpReceiver } from '../test/helpers/receivers.ts';
import { AGENT_REGISTER, FIXTURES, autocannon, flag, freePort, rssMb, spawnNode, stop, table, waitForOk } from './lib.ts';

const minutes = flag('minutes', 5);
const rate = flag('rate', 400);

interface Phase {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
  readonly errors: number;
}

async function main(): Promise<void> {
  const otlp = await startOtlpReceiver();
  const loki = await startLokiReceiver();
  otlp.mode = 'fail';
  loki.mode = 'fail';
  const port = await freePort();
  const metricsPort = await freePort();
  const app = spawnNode(0, ['-r', AGENT_REGISTER, `${FIXTURES}app.cjs`], {
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      UPSTREAM_URL: `http://127.0.0.1:${port}`,
      OTEL_SERVICE_NAME: 'soak',
      NODE_ENV: 'production',
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      THREADLINE_LOKI_URL: loki.url,
      THREADLINE_METRICS_PORT: String(metricsPort),
      THREADLINE_METRICS_HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const rss: Array<[number, number]> = [];
  try {
    await waitForOk(`${url}/hello`, performance.now());
    const pid = app.pid as number;
    const started = Date.now();
    const sampler = setInterval(() => rss.push([Math.round((Date.now() - started) / 1000), rssMb(pid)]), 10_000);
    const half = (minutes * 60) / 2;
    process.stderr.write(`backends down for ${half} s\n`);
    const down = await load(`${url}/hello`, half);
    otlp.mode = 'ok';
    loki.mode = 'ok';
    process.stderr.write(`backends up for ${half} s\n`);
    const up = await load(`${url}/hello`, half);
    await new Promise((resolve) => setTimeout(resolve, 5000)); // let the last batches go
    clearInterval(sampler);
    rss.push([Math.round((Date.now() - started) / 1000), rssMb(pid)]);
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const value = (name: string): number => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(metrics)?.[1] ?? Number.NaN);
    const logErrors = Number(/^threadline_export_errors_total\{signal="logs"[^}]*\} (\S+)$/m.exec(metrics)?.[1] ?? Number.NaN);
    const spanErrors = Number(/^threadline_export_errors_total\{signal="traces"[^}]*\} (\S+)$/m.exec(metrics)?.[1] ?? Number.NaN);
    const first = rss[0]?.[1] ?? Number.NaN;
    const last = rss.at(-1)?.[1] ?? Number.NaN;
    const peak = Math.max(...rss.map(([, mb]) => mb));

    console.log(`Soak: ${minutes} min at ${rate} req/s, backends down for the first half.\n`);
    console.log(table(['t (s)', 'RSS MB'], rss.map(([t, mb]) => [String(t), mb.toFixed(1)])));
    // Net growth says whether memory is kept; the peak shows how far the heap grows under the load.
    console.log(`\nRSS: first ${first.toFixed(1)} MB, peak ${peak.toFixed(1)} MB (+${(peak - first).toFixed(1)}), end ${last.toFixed(1)} MB (net ${(last - first).toFixed(1)})`);
    console.log(
      `\n${table(
        ['phase', 'requests', 'errors', 'p50 ms', 'p99 ms'],
        [
          ['backends down', String(down.requests), String(down.errors), String(down.p50Ms), String(down.p99Ms)],
          ['backends up', String(up.requests), String(up.errors), String(up.p50Ms), String(up.p99Ms)],
        ],
      )}`,
    );
    console.log(
      `\n${table(
        ['signal', 'delivered', 'dropped (counted by the agent)', 'export errors'],
        [
          ['log lines', String(value('threadline_logs_delivered')), String(value('threadline_logs_dropped_total')), String(logErrors)],
          ['spans', String(otlp.items.length), String(value('threadline_spans_dropped_total')), String(spanErrors)],
        ],
      )}`,
    );
    console.log(`\nLoki receiver got ${loki.items.length} lines; crash: ${app.exitCode === null ? 'none' : `exit ${app.exitCode}`}`);
  } finally {
    await stop(app);
    await otlp.close();
    await loki.close();
  }
}

async function load(url: string, seconds: number): Promise<Phase> {
  const result = await autocannon(url, ['-c', '20', '-R', String(rate), '-d', String(seconds)]);
  return { p50Ms: result.latency.p50, p99Ms: result.latency.p99, requests: result.requests.total, errors: result.errors + result.non2xx };
}

await main();
