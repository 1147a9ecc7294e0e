// The overhead benchmark's variants counted in CPU instructions per request rather than
// seconds: callgrind counts the instructions the server executes, the same from run to run
// whatever else the machine is doing, where req/s on a shared VM moves by ±15 %. Slow (each
// server runs under valgrind), so one run per variant and path, after a warm-up.
// V8 is still optimizing code well after the warm-up (a quarter of the instructions counted after
// 3,000 requests were its background compiler jobs, and their share moves from run to run with
// what gets re-optimized), so those jobs are reported apart and the per-request figures and ratios
// leave them out; what is left is the requests' own work and the garbage collection it causes.
//
//   npm run bench:instructions -- [--requests 3000] [--only traces,all] [--paths /hello]
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, openSync, closeSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUTOCANNON, appEnv, chosenVariants, fixtureOf, flag, freePort, option, saveResults, startSink, stop, table, waitForOk, type Variant } from './lib.ts';

const requests = flag('requests', 3000);
const CONNECTIONS = 10;
const STARTUP_TIMEOUT_MS = 300_000;

function hasCallgrind(): boolean {
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
    execFileSync('callgrind_control', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  if (!hasCallgrind()) {
    console.error('bench:instructions needs valgrind and callgrind_control (Debian: apt-get install valgrind).');
    process.exitCode = 1;
    return;
  }
  const sink = await startSink();
  const variants = chosenVariants(sink.url);
  const paths = option('paths')?.split(',') ?? ['/hello', '/chain'];
  const counts = new Map<string, Count>();
  const scratch = mkdtempSync(join(tmpdir(), 'threadline-instructions-'));
  try {
    for (const variant of variants) {
      for (const path of paths) {
        const count = await measure(variant, path, sink.url, scratch);
        counts.set(`${variant.name}\u0000${path}`, count);
        process.stderr.write(
          `${variant.name} ${path}: ${Math.round(count.perRequest)} instructions/request (+${Math.round(count.compilingPerRequest)} in V8's compiler jobs), ${Math.round(count.startup / 1e6)}M to start\n`,
        );
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    await sink.close();
  }
  report(variants, paths, counts);
}

interface Count {
  /** From exec to the first answered request: loading the app and the agent. */
  readonly startup: number;
  /** Per request after a warm-up of the same size, without V8's optimizing compiler jobs. */
  readonly perRequest: number;
  /** Per request, V8's optimizing compiler jobs still running after the warm-up. */
  readonly compilingPerRequest: number;
}

/** Entry points of V8's background compiler jobs (TurboFan, Maglev) in callgrind's symbol names. */
const COMPILER_JOBS = ['v8::internal::OptimizedCompilationJob::ExecuteJob(', 'v8::internal::maglev::MaglevConcurrentDispatcher::JobTask::Run('];

async function measure(variant: Variant, path: string, upstream: string, scratch: string): Promise<Count> {
  const port = await freePort();
  const dir = mkdtempSync(join(scratch, 'run-'));
  const out = openSync(join(dir, 'stdout.log'), 'w');
  // valgrind's wrapper script execs the tool, so the child's pid is the one callgrind_control knows.
  const app = spawn(
    'valgrind',
    ['--tool=callgrind', '--smc-check=all-non-file', `--callgrind-out-file=${join(dir, 'callgrind.out')}`, process.execPath, ...variant.preload, fixtureOf(variant)],
    { env: appEnv(variant, port, upstream, await freePort()), stdio: ['ignore', out, 'ignore'] },
  );
  try {
    const url = `http://127.0.0.1:${port}${path}`;
    await waitForOk(`http://127.0.0.1:${port}/hello`, performance.now(), STARTUP_TIMEOUT_MS);
    const pid = String(app.pid);
    execFileSync('callgrind_control', ['--dump', pid], { stdio: 'ignore' });
    await load(url);
    execFileSync('callgrind_control', ['--zero', pid], { stdio: 'ignore' });
    await load(url);
    execFileSync('callgrind_control', ['--dump', pid], { stdio: 'ignore' });
    const compiling = compilerInstructions(dir, 2);
    return { startup: dumped(dir, 1), perRequest: (dumped(dir, 2) - compiling) / requests, compilingPerRequest: compiling / requests };
  } finally {
    await stop(app);
    closeSync(out);
  }
}

/** The `index`th dump's file (callgrind numbers them from 1). */
function dumpFile(dir: string, index: number): string {
  const name = readdirSync(dir).find((file) => file.startsWith('callgrind.out.') && file.endsWith(`.${index}`));
  if (name === undefined) throw new Error(`callgrind wrote no dump ${index} in ${dir}`);
  return join(dir, name);
}

/** The instruction total of the `index`th dump. */
function dumped(dir: string, index: number): number {
  const file = dumpFile(dir, index);
  const summary = /^summary: (\d+)$/m.exec(readFileSync(file, 'utf8'));
  if (summary === null) throw new Error(`no summary line in ${file}`);
  return Number(summary[1]);
}

/** Instructions inside V8's compiler jobs in the `index`th dump, from callgrind_annotate's inclusive counts. */
function compilerInstructions(dir: string, index: number): number {
  const annotated = execFileSync('callgrind_annotate', ['--inclusive=yes', '--threshold=100', dumpFile(dir, index)], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  let total = 0;
  for (const job of COMPILER_JOBS) {
    const line = annotated.split('\n').find((text) => text.includes(job));
    if (line !== undefined) total += Number(/^\s*([\d,]+)/.exec(line)?.[1]?.replaceAll(',', '') ?? 0);
  }
  return total;
}

async function load(url: string): Promise<void> {
  const child = spawn(process.execPath, [AUTOCANNON, '-c', String(CONNECTIONS), '-a', String(requests), url], { stdio: 'ignore' });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`autocannon exited with ${code}`);
}

function report(variants: readonly Variant[], paths: readonly string[], counts: Map<string, Count>): void {
  const bare = variants[0]?.name ?? '';
  const summary: Record<string, Record<string, Count & { ratio: number; startupRatio: number }>> = {};
  const lines = [
    `Instructions (callgrind): per request over ${requests} requests after as many to warm up, ${CONNECTIONS} connections, without V8's background compiler jobs (shown apart); and from exec to the first answered request.`,
  ];
  for (const path of paths) {
    const rows = variants.map((variant) => {
      const base = counts.get(`${variant.baseline ?? bare}\u0000${path}`);
      const count = counts.get(`${variant.name}\u0000${path}`);
      if (count === undefined || base === undefined) return [variant.name, '–', '–', '–', '–', '–'];
      const ratio = count.perRequest / base.perRequest;
      const startupRatio = count.startup / base.startup;
      (summary[path] ??= {})[variant.name] = { ...count, ratio, startupRatio };
      return [
        variant.name,
        `${Math.round(count.perRequest / 1000)}k`,
        `${ratio.toFixed(2)}× (+${Math.round((count.perRequest - base.perRequest) / 1000)}k)`,
        `${Math.round(count.compilingPerRequest / 1000)}k`,
        `${Math.round(count.startup / 1e6)}M`,
        `${startupRatio.toFixed(2)}× (+${Math.round((count.startup - base.startup) / 1e6)}M)`,
      ];
    });
    lines.push('', `GET ${path}`, table(['variant', 'instructions/req', 'vs bare', 'V8 compiler jobs/req', 'startup instructions', 'vs bare'], rows));
  }
  console.log(lines.join('\n'));
  const file = saveResults('instructions', { requests, connections: CONNECTIONS, node: process.version, summary });
  console.log(`\nJSON: ${file}`);
}

await main();
