// The overhead benchmark's variants counted in CPU instructions per request rather than
// seconds: callgrind counts the instructions the server executes, the same from run to run
// whatever else the machine is doing, where req/s on a shared VM moves by ±15 %. Slow (each
// server runs under valgrind), so one run per variant and path, after a warm-up.
//
//   npm run bench:instructions -- [--requests 3000] [--only traces,all] [--paths /hello]
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AUTOCANNON, FIXTURES, appEnv, chosenVariants, flag, freePort, option, startSink, stop, table, waitForOk, type Variant } from './lib.ts';

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
  const counts = new Map<string, number>();
  const scratch = mkdtempSync(join(tmpdir(), 'threadline-instructions-'));
  try {
    for (const variant of variants) {
      for (const path of paths) {
        const perRequest = await measure(variant, path, sink.url, scratch);
        counts.set(`${variant.name}\u0000${path}`, perRequest);
        process.stderr.write(`${variant.name} ${path}: ${Math.round(perRequest)} instructions/request\n`);
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    await sink.close();
  }
  report(variants, paths, counts);
}

/** Instructions per request in the steady state: counters zeroed after a warm-up of the same size. */
async function measure(variant: Variant, path: string, upstream: string, scratch: string): Promise<number> {
  const port = await freePort();
  const dir = mkdtempSync(join(scratch, 'run-'));
  const out = openSync(join(dir, 'stdout.log'), 'w');
  // valgrind's wrapper script execs the tool, so the child's pid is the one callgrind_control knows.
  const app = spawn(
    'valgrind',
    ['--tool=callgrind', '--smc-check=all-non-file', `--callgrind-out-file=${join(dir, 'callgrind.out')}`, process.execPath, ...variant.preload, `${FIXTURES}app.cjs`],
    { env: appEnv(variant, port, upstream, await freePort()), stdio: ['ignore', out, 'ignore'] },
  );
  try {
    const url = `http://127.0.0.1:${port}${path}`;
    await waitForOk(`http://127.0.0.1:${port}/hello`, performance.now(), STARTUP_TIMEOUT_MS);
    await load(url);
    const pid = String(app.pid);
    execFileSync('callgrind_control', ['--zero', pid], { stdio: 'ignore' });
    await load(url);
    execFileSync('callgrind_control', ['--dump', pid], { stdio: 'ignore' });
    const dump = readdirSync(dir).find((name) => name.startsWith('callgrind.out.'));
    if (dump === undefined) throw new Error(`callgrind wrote no dump for ${variant.name} ${path}`);
    const summary = /^summary: (\d+)$/m.exec(readFileSync(join(dir, dump), 'utf8'));
    if (summary === null) throw new Error(`no summary line in ${dump}`);
    return Number(summary[1]) / requests;
  } finally {
    await stop(app);
    closeSync(out);
  }
}

async function load(url: string): Promise<void> {
  const child = spawn(process.execPath, [AUTOCANNON, '-c', String(CONNECTIONS), '-a', String(requests), url], { stdio: 'ignore' });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`autocannon exited with ${code}`);
}

function report(variants: readonly Variant[], paths: readonly string[], counts: Map<string, number>): void {
  const bare = variants[0]?.name ?? '';
  const summary: Record<string, Record<string, { instructionsPerRequest: number; ratio: number }>> = {};
  const lines = [`Instructions per request (callgrind), ${requests} requests after as many to warm up, ${CONNECTIONS} connections.`];
  for (const path of paths) {
    const base = counts.get(`${bare}\u0000${path}`) ?? Number.NaN;
    const rows = variants.map((variant) => {
      const count = counts.get(`${variant.name}\u0000${path}`) ?? Number.NaN;
      (summary[path] ??= {})[variant.name] = { instructionsPerRequest: count, ratio: count / base };
      return [variant.name, `${Math.round(count / 1000)}k`, `${(count / base).toFixed(2)}×`, `+${Math.round((count - base) / 1000)}k`];
    });
    lines.push('', `GET ${path}`, table(['variant', 'instructions/req', 'vs bare', 'added'], rows));
  }
  console.log(lines.join('\n'));
  const dir = fileURLToPath(new URL('../.bench/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `instructions-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify({ requests, connections: CONNECTIONS, node: process.version, summary }, null, 2)}\n`);
  console.log(`\nJSON: ${file}`);
}

await main();
