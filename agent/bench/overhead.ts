// What the agent costs a service: the same Express 5 app bare and with the agent in several
// configurations, plus OpenTelemetry's own auto-instrumentation register as a peer, under the
// same load. Variants alternate within each round so machine drift hits them alike; figures are
// medians over rounds. Each ratio is taken within a round, against bare Express measured minutes
// apart rather than at the other end of the run, and reported as the median over rounds with
// its range: on a VM whose speed drifts, that pairs like with like.
//
//   npm run bench -- [--rounds 3] [--duration 5] [--warmup 5] [--connections 50] [--only traces,all] [--rate 4000]
//   (--warmup is the seconds of load before the measured run: V8 goes on optimizing, and its
//   background compiler jobs compete with the app on its one core, for several seconds, longer the
//   more code runs per request, and a service runs for hours; --only keeps bare Express and the
//   variants whose names contain one of the words; --rate offers every variant the same
//   requests per second instead of as many as it can take, so CPU per request compares the same
//   load: at saturation a slower server also pays for waking its idle client on every response)
import { mkdtempSync, openSync, closeSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appEnv, autocannon, chosenVariants, cpuSeconds, fixtureOf, flag, freePort, median, option, rssMb, saveResults, spawnNode, startSink, stop, table, waitForOk, type Variant } from './lib.ts';

interface Sample {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly cpuMicrosPerRequest: number;
  readonly rssAfterMb: number;
  readonly idleRssMb: number;
  readonly startupMs: number;
  readonly errors: number;
}

const rounds = flag('rounds', 3);
const duration = flag('duration', 5);
const warmup = flag('warmup', 5);
const connections = flag('connections', 50);
const rate = flag('rate', 0);
const rateArgs = rate > 0 ? ['-R', String(rate)] : [];

async function main(): Promise<void> {
  const sink = await startSink();
  const sinkUrl = sink.url;
  const variants = chosenVariants(sinkUrl);
  const paths = option('paths')?.split(',') ?? ['/hello', '/chain'];
  const samples = new Map<string, Sample[]>();
  const scratch = mkdtempSync(join(tmpdir(), 'threadline-bench-'));
  try {
    for (let round = 0; round < rounds; round++) {
      // Rotate the order each round so no variant always runs first or last.
      const order = variants.map((_, i) => variants[(i + round) % variants.length] as Variant);
      for (const variant of order) {
        for (const path of paths) {
          const sample = await measure(variant, path, sinkUrl, join(scratch, 'stdout.log'));
          const key = `${variant.name}\u0000${path}`;
          samples.set(key, [...(samples.get(key) ?? []), sample]);
          process.stderr.write(`round ${round + 1}/${rounds} ${variant.name} ${path}: ${Math.round(sample.requestsPerSecond)} req/s\n`);
        }
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    await sink.close();
  }
  report(variants, paths, samples);
}

async function measure(variant: Variant, path: string, upstream: string, stdoutFile: string): Promise<Sample> {
  const port = await freePort();
  const out = openSync(stdoutFile, 'w');
  const started = performance.now();
  const app = spawnNode(0, [...variant.preload, fixtureOf(variant)], {
    env: appEnv(variant, port, upstream, await freePort()),
    stdio: ['ignore', out, 'ignore'],
  });
  try {
    const url = `http://127.0.0.1:${port}`;
    const startupMs = await waitForOk(`${url}/hello`, started);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const pid = app.pid as number;
    const idleRssMb = rssMb(pid);
    await autocannon(`${url}${path}`, ['-c', String(connections), '-d', String(warmup), ...rateArgs]);
    const cpuBefore = cpuSeconds(pid);
    const result = await autocannon(`${url}${path}`, ['-c', String(connections), '-d', String(duration), ...rateArgs]);
    const cpu = cpuSeconds(pid) - cpuBefore;
    return {
      requestsPerSecond: result.requests.average,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      cpuMicrosPerRequest: (cpu * 1e6) / Math.max(1, result.requests.total),
      rssAfterMb: rssMb(pid),
      idleRssMb,
      startupMs,
      errors: result.errors + result.non2xx,
    };
  } finally {
    await stop(app);
    closeSync(out);
  }
}

function report(variants: readonly Variant[], paths: readonly string[], samples: Map<string, Sample[]>): void {
  const summary: Record<string, Record<string, Record<string, number>>> = {};
  const load = rate > 0 ? `${rate} req/s offered` : 'as fast as each variant answers';
  const lines: string[] = [`Express 5 (and Fastify 5: its agent variant's ratios are to bare Fastify), ${rounds} alternating rounds, ${duration} s each after ${warmup} s of warm-up, ${connections} connections, ${load}, server on one core; medians, and ratios to bare taken round by round (median, then range).`];
  for (const path of paths) {
    const of = (name: string): Sample[] => samples.get(`${name}\u0000${path}`) ?? [];
    const med = (name: string, field: keyof Sample): number => median(of(name).map((s) => s[field]));
    const first = variants[0]?.name ?? '';
    const baselineOf = (name: string): string => variants.find((v) => v.name === name)?.baseline ?? first;
    /** The variant's `field` over its baseline's, round by round. */
    const ratios = (name: string, field: keyof Sample): number[] => of(name).map((s, round) => s[field] / (of(baselineOf(name))[round]?.[field] ?? Number.NaN));
    const ratioText = (values: number[]): string =>
      `${median(values).toFixed(2)}× (${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)})`;
    const rows = variants.map((variant) => {
      const bare = baselineOf(variant.name);
      const values = Object.fromEntries(
        (['requestsPerSecond', 'p50Ms', 'p99Ms', 'cpuMicrosPerRequest', 'rssAfterMb', 'idleRssMb', 'startupMs', 'errors'] as const).map((field) => [field, med(variant.name, field)]),
      );
      const throughput = ratios(variant.name, 'requestsPerSecond');
      const cpu = ratios(variant.name, 'cpuMicrosPerRequest');
      (summary[path] ??= {})[variant.name] = {
        ...values,
        throughputRatio: median(throughput),
        throughputRatioMin: Math.min(...throughput),
        throughputRatioMax: Math.max(...throughput),
        cpuRatio: median(cpu),
      };
      return [
        variant.name,
        `${Math.round(med(variant.name, 'requestsPerSecond'))}`,
        ratioText(throughput),
        med(variant.name, 'p50Ms').toFixed(1),
        med(variant.name, 'p99Ms').toFixed(1),
        `${Math.round(med(variant.name, 'cpuMicrosPerRequest'))} (${median(cpu).toFixed(2)}×)`,
        `${Math.round(med(variant.name, 'idleRssMb'))} (+${Math.round(med(variant.name, 'idleRssMb') - med(bare, 'idleRssMb'))})`,
        `${Math.round(med(variant.name, 'rssAfterMb'))}`,
        `${Math.round(med(variant.name, 'startupMs'))} (+${Math.round(med(variant.name, 'startupMs') - med(bare, 'startupMs'))})`,
        `${med(variant.name, 'errors')}`,
      ];
    });
    lines.push(
      '',
      `GET ${path}`,
      table(['variant', 'req/s', 'vs bare (range)', 'p50 ms', 'p99 ms', 'CPU µs/req', 'idle RSS MB', 'RSS after MB', 'startup ms', 'errors'], rows),
    );
  }
  console.log(lines.join('\n'));
  const file = saveResults('overhead', { rounds, duration, warmup, connections, rate, node: process.version, summary });
  console.log(`\nJSON: ${file}`);
}

await main();
