// A child process whose stdout is read line by line (service logs are JSON lines) and whose
// stderr is kept for the message when it dies. Used by the demo runner and the tests alike.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export type LineListener = (line: string) => void;

export interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  /** Resolves with the exit code (or signal name) once the process is gone. */
  readonly exited: Promise<number | string>;
  onLine(listener: LineListener): () => void;
  /** Resolves with the first stdout line (from now on) that satisfies `predicate`. */
  waitForLine(predicate: (line: string) => boolean, timeoutMs: number): Promise<string>;
  /** The last few kB of stderr, for error messages. */
  stderrTail(): string;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<number | string>;
}

export interface ChildOptions {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Where stderr goes besides the kept tail (the runner shows it, tests keep it quiet). */
  readonly stderr?: (chunk: string) => void;
  /** In a process group of its own, so that a terminal's Ctrl-C reaches it only through whoever stops it. */
  readonly detached?: boolean;
}

const STDERR_TAIL = 8192;

export function startChild(options: ChildOptions): Child {
  const child = spawn(options.command, [...options.args], { cwd: options.cwd, env: { ...options.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: options.detached ?? false });
  const listeners = new Set<LineListener>();
  let pending = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (line.length === 0) continue;
      for (const listener of listeners) listener(line);
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL);
    options.stderr?.(chunk);
  });
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string);

  const onLine = (listener: LineListener): (() => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };

  return {
    name: options.name,
    process: child,
    exited,
    onLine,
    waitForLine: (predicate, timeoutMs) =>
      new Promise((resolve, reject) => {
        const finish = (outcome: () => void): void => {
          clearTimeout(timer);
          remove();
          outcome();
        };
        const remove = onLine((line) => {
          if (predicate(line)) finish(() => resolve(line));
        });
        const timer = setTimeout(() => finish(() => reject(new Error(`${options.name}: expected line not seen within ${timeoutMs} ms\n${stderr}`))), timeoutMs);
        void exited.then((code) => finish(() => reject(new Error(`${options.name} exited (${code}) before the expected line\n${stderr}`))));
      }),
    stderrTail: () => stderr,
    stop: async (graceMs = 10_000) => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        timer.unref();
        const code = await exited;
        clearTimeout(timer);
        return code;
      }
      return exited;
    },
  };
}
