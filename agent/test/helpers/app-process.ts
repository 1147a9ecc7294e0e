// Runs a fixture app in a real child process with the agent preloaded, the way users run it.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.ts';

export const REGISTER = fileURLToPath(new URL('../../dist/register.js', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

export type LogLine = Record<string, unknown> & { msg?: string; level?: string };

export interface AppProcess {
  readonly child: ChildProcess;
  /** The app's own HTTP port, as it logged it. */
  readonly port: number;
  readonly metricsPort: number;
  readonly url: string;
  readonly logs: LogLine[];
  /** Every stdout line that was not JSON (there should be none). */
  readonly rawLines: string[];
  readonly stderr: () => string;
  waitForLog(predicate: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  metrics(openMetrics?: boolean): Promise<string>;
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface StartOptions {
  readonly env?: Record<string, string | undefined>;
  /** `--import` instead of `-r`. */
  readonly esm?: boolean;
  /** Wait for the app's "listening" line (default true). */
  readonly waitForListening?: boolean;
  readonly args?: readonly string[];
}

export async function startApp(fixture: string, options: StartOptions = {}): Promise<AppProcess> {
  const metricsPort = await freePort();
  const preload = options.esm ? ['--import', REGISTER] : ['-r', REGISTER];
  const child = spawn(process.execPath, [...preload, `${FIXTURES}${fixture}`, ...(options.args ?? [])], {
    env: {
      PATH: process.env.PATH,
      THREADLINE_METRICS_PORT: String(metricsPort),
      THREADLINE_METRICS_HOST: '127.0.0.1',
      OTEL_SERVICE_NAME: 'test-app',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  const rawLines: string[] = [];
  const waiters = new Set<() => void>();
  let stderr = '';
  let pending = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (line.length === 0) continue;
      try {
        logs.push(JSON.parse(line) as LogLine);
      } catch {
        rawLines.push(line);
      }
    }
    for (const wake of waiters) wake();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;

  const waitForLog = (predicate: (line: LogLine) => boolean, timeoutMs = 15_000): Promise<LogLine> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const found = logs.find(predicate);
        if (found === undefined) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`log line not seen within ${timeoutMs} ms.\nstdout: ${JSON.stringify(logs).slice(0, 3000)}\nstderr: ${stderr}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });

  let port = 0;
  if (options.waitForListening !== false) {
    const listening = await waitForLog((line) => line.msg === 'listening');
    port = Number(listening.port);
  }
  return {
    child,
    port,
    metricsPort,
    url: `http://127.0.0.1:${port}`,
    logs,
    rawLines,
    stderr: () => stderr,
    waitForLog,
    metrics: async (openMetrics = false) => {
      const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`, {
        headers: openMetrics ? { accept: 'application/openmetrics-text; version=1.0.0' } : {},
      });
      return response.text();
    },
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const [code, exitSignal] = await exited;
      return { code, signal: exitSignal };
    },
  };
}
