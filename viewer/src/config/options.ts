// The viewer's settings, from command-line flags. A bad flag is one clear line naming it, the value and
// what is accepted.
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface ViewerOptions {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly maxAgeMs: number;
  readonly maxBytes: number;
  readonly maxBodyBytes: number;
  readonly maxPendingRows: number;
  /** `host:port[/path]` targets given on the command line. */
  readonly scrape: readonly string[];
  /** Prometheus file_sd files (YAML or JSON). */
  readonly scrapeFiles: readonly string[];
  readonly scrapeIntervalMs: number;
}

export class UsageError extends Error {}

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'threadline-viewer');
}

export const DEFAULTS: ViewerOptions = {
  host: '127.0.0.1',
  port: 4318,
  dataDir: defaultDataDir(),
  maxAgeMs: 24 * 3600_000,
  maxBytes: 1024 ** 3,
  maxBodyBytes: 20 * 1024 ** 2,
  maxPendingRows: 200_000,
  scrape: [],
  scrapeFiles: [],
  scrapeIntervalMs: 5000,
};

export const USAGE = `threadline-viewer — receives OTLP traces and logs, Loki pushes, Prometheus scrapes and Alertmanager
webhooks on one port, keeps them in SQLite and shows one request across every service.

  --port N               port for everything (default 4318; 0 picks a free one)
  --host ADDRESS         address to bind (default 127.0.0.1; 0.0.0.0 opens it to your network)
  --data DIR             where the store lives (default $XDG_DATA_HOME/threadline-viewer, else ~/.local/share/threadline-viewer)
  --retention-age AGE    drop data older than this (default 24h; e.g. 90m, 12h, 7d)
  --retention-size SIZE  keep the store under this size, oldest first (default 1GiB; e.g. 200MB, 5GiB)
  --scrape TARGETS       Prometheus endpoints to scrape: host:port[/path],… (repeatable)
  --scrape-file FILE     a Prometheus file_sd targets file (YAML or JSON), re-read when it changes (repeatable)
  --scrape-interval DUR  how often to scrape (default 5s)
  --max-body SIZE        largest request body, after decompression (default 20MiB)
  --help                 this text

Point a service at it:
  OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318  THREADLINE_LOKI_URL=http://127.0.0.1:4318`;

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
const DURATION_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const SIZE = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|KiB|MiB|GiB|TiB)?$/i;
const SIZE_BYTES: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4 };

export function parseDuration(flag: string, value: string): number {
  const match = DURATION.exec(value.trim());
  if (!match) throw new UsageError(`${flag} ${JSON.stringify(value)} is not a duration: use a number and a unit, e.g. 500ms, 30s, 15m, 24h, 7d`);
  return Number(match[1]) * DURATION_MS[match[2]!]!;
}

export function parseSize(flag: string, value: string): number {
  const match = SIZE.exec(value.trim());
  if (!match) throw new UsageError(`${flag} ${JSON.stringify(value)} is not a size: use bytes or a number and a unit, e.g. 500MB, 1GiB`);
  return Math.floor(Number(match[1]) * SIZE_BYTES[(match[2] ?? 'b').toLowerCase()]!);
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new UsageError(`--port ${JSON.stringify(value)} is not a port: use 0–65535`);
  return port;
}

export function parseArgs(argv: readonly string[]): ViewerOptions | 'help' {
  const options = { ...DEFAULTS, scrape: [] as string[], scrapeFiles: [] as string[] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return 'help';
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (eq > 0) return arg.slice(eq + 1);
      const next = argv[++i];
      if (next === undefined) throw new UsageError(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case '--port': options.port = parsePort(value()); break;
      case '--host': options.host = value(); break;
      case '--data': options.dataDir = value(); break;
      case '--retention-age': options.maxAgeMs = parseDuration(flag, value()); break;
      case '--retention-size': options.maxBytes = parseSize(flag, value()); break;
      case '--max-body': options.maxBodyBytes = parseSize(flag, value()); break;
      case '--scrape': options.scrape.push(...value().split(',').map((t) => t.trim()).filter((t) => t !== '')); break;
      case '--scrape-file': options.scrapeFiles.push(value()); break;
      case '--scrape-interval': options.scrapeIntervalMs = parseDuration(flag, value()); break;
      default: throw new UsageError(`unknown flag ${JSON.stringify(arg.slice(0, 60))}; see --help`);
    }
  }
  if (options.maxAgeMs < 60_000) throw new UsageError('--retention-age must be at least 1m');
  if (options.maxBytes < 16 * 1024 ** 2) throw new UsageError('--retention-size must be at least 16MiB');
  if (options.maxBodyBytes < 1024) throw new UsageError('--max-body must be at least 1KiB');
  if (options.scrapeIntervalMs < 1000) throw new UsageError('--scrape-interval must be at least 1s');
  return options;
}
