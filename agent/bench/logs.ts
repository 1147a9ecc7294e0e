// Log throughput: lines per second through the agent's logger, to stdout and with Loki
// shipping to a local receiver, against a bare pino logger writing to the same place; with
// each process's peak RSS. For Loki, "delivered" is what the receiver had when the writer's
// shutdown finished, and the rate counts until then. With --rate, the writer logs at that pace
// instead of as fast as it can: Loki shipping keeps up when every line is delivered, and the
// peak RSS shows whether memory stays bounded while it does.
//
//   npm run bench:logs -- [--lines 200000] [--rounds 3] [--rate 50000]
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGENT_REGISTER, FIXTURES, flag, median, spawnNode, startSink, stop, table, type Variant } from './lib.ts';

interface Sample {
  readonly linesPerSecond: number;
  readonly drainedLinesPerSecond: number;
  readonly maxRssMb: number;
  /** Lines that reached the stdout file: the agent drops what does not fit its 16 MiB buffer. */
  readonly stdoutLines: number;
  readonly delivered: number;
}

const lines = flag('lines', 200_000);
const rounds = flag('rounds', 3);
const rate = flag('rate', 0);

async function main(): Promise<void> {
  const sink = await startSink();
  const sinkUrl = sink.url;
  const quiet = { THREADLINE_METRICS_PORT: '0', OTEL_SDK_DISABLED: 'true' };
  const variants: Variant[] = [
    { name: 'bare pino → stdout', preload: [], env: { BASELINE: '1' } },
    { name: 'agent logger → stdout', preload: ['-r', AGENT_REGISTER], env: quiet },
    { name: 'agent logger → stdout + Loki', preload: ['-r', AGENT_REGISTER], env: { ...quiet, THREADLINE_LOKI_URL: sinkUrl, THREADLINE_LOKI_MAX_BUFFER: '50000' } },
  ];
  const samples = new Map<string, Sample[]>();
  const scratch = mkdtempSync(join(tmpdir(), 'threadline-bench-logs-'));
  try {
    for (let round = 0; round < rounds; round++) {
      for (const variant of variants.map((_, i) => variants[(i + round) % variants.length] as Variant)) {
        const before = Number(await (await fetch(`${sinkUrl}/loki-lines`)).text());
        const sample = await measure(variant, join(scratch, 'stdout.log'));
        const delivered = Number(await (await fetch(`${sinkUrl}/loki-lines`)).text()) - before;
        samples.set(variant.name, [...(samples.get(variant.name) ?? []), { ...sample, delivered }]);
        process.stderr.write(`round ${round + 1}/${rounds} ${variant.name}: ${Math.round(sample.linesPerSecond)} lines/s\n`);
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    await sink.close();
  }
  const med = (name: string, field: keyof Sample): number => median((samples.get(name) ?? []).map((s) => s[field]));
  const bare = variants[0]?.name ?? '';
  const pace = rate > 0 ? `paced at ${rate} lines/s` : 'as fast as it can';
  console.log(`${lines} lines per run, written ${pace}, ${rounds} alternating rounds, writer on one core; medians.\n`);
  console.log(
    table(
      ['variant', 'lines/s (logging)', 'vs bare', 'lines/s (until delivered)', 'stdout lines written', 'Loki lines delivered', 'peak RSS MB'],
      variants.map((v) => [
        v.name,
        `${Math.round(med(v.name, 'linesPerSecond'))}`,
        `${(med(v.name, 'linesPerSecond') / med(bare, 'linesPerSecond')).toFixed(2)}×`,
        `${Math.round(med(v.name, 'drainedLinesPerSecond'))}`,
        `${med(v.name, 'stdoutLines')} / ${lines}`,
        v.env.THREADLINE_LOKI_URL === undefined ? '–' : `${med(v.name, 'delivered')} / ${lines}`,
        `${Math.round(med(v.name, 'maxRssMb'))}`,
      ]),
    ),
  );
}

async function measure(variant: Variant, stdoutFile: string): Promise<Omit<Sample, 'delivered'>> {
  const out = openSync(stdoutFile, 'w');
  const child = spawnNode(0, [...variant.preload, `${FIXTURES}log-writer.cjs`], {
    env: { PATH: process.env.PATH, LINES: String(lines), RATE: String(rate), OTEL_SERVICE_NAME: 'bench', NODE_ENV: 'production', ...variant.env },
    stdio: ['ignore', out, 'pipe'],
  });
  let report = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (report += chunk));
  try {
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`log writer exited with ${code}: ${report}`);
    const result = JSON.parse(report.trim().split('\n').pop() ?? '{}') as { seconds: number; drained: number; maxRssKb: number };
    return {
      linesPerSecond: lines / result.seconds,
      drainedLinesPerSecond: lines / result.drained,
      maxRssMb: result.maxRssKb / 1024,
      stdoutLines: countLines(stdoutFile),
    };
  } finally {
    await stop(child);
    closeSync(out);
  }
}

function countLines(file: string): number {
  const bytes = readFileSync(file);
  let count = 0;
  for (let at = bytes.indexOf(10); at !== -1; at = bytes.indexOf(10, at + 1)) count++;
  return count;
}

await main();
