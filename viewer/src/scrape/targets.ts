// Scrape targets: `--scrape host:port,host:port/path,https://host/metrics,targets.yml`, validated, with
// errors that name the bad entry and what is accepted.

export interface ScrapeTarget {
  /** What is fetched. */
  readonly url: string;
  /** host:port, the name Prometheus gives an instance. */
  readonly address: string;
  /** Target labels (e.g. `service`), from a file_sd file; none for `--scrape` entries. */
  readonly labels: Readonly<Record<string, string>>;
  /** Where the target came from: `--scrape` or the file's path. */
  readonly source: string;
}

export interface ScrapeArgument {
  readonly targets: ScrapeTarget[];
  /** file_sd files named among the entries. */
  readonly files: string[];
}

const ACCEPTED = 'accepted: host:port, host:port/path, http://host[:port][/path], https://host[:port][/path], or a file_sd file ending in .yml, .yaml or .json';
const HOST = /^(?:\[[0-9a-fA-F:.]+\]|[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*)$/;

export const DEFAULT_METRICS_PATH = '/metrics';

export function isFileEntry(entry: string): boolean {
  return /\.(ya?ml|json)$/i.test(entry) && !/^[a-z][a-z0-9+.-]*:\/\//i.test(entry) && !/^[^/]+:\d+(\/|$)/.test(entry);
}

/**
 * One target: `host:port[/path]` (http), or a URL with an http or https scheme. `scheme` and `path`
 * (file_sd's `__scheme__` and `__metrics_path__`) apply to a bare host:port.
 */
export function parseTarget(entry: string, source: string, labels: Readonly<Record<string, string>> = {}, scheme = 'http', path = DEFAULT_METRICS_PATH): ScrapeTarget {
  const bad = (why: string): Error => new Error(`scrape target ${JSON.stringify(entry.slice(0, 200))} (${source}): ${why}; ${ACCEPTED}`);
  const trimmed = entry.trim();
  if (trimmed === '') throw bad('it is empty');
  if (scheme !== 'http' && scheme !== 'https') throw bad(`the scheme ${JSON.stringify(scheme)} is neither http nor https`);
  let url: URL;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    try {
      url = new URL(trimmed);
    } catch {
      throw bad('it is not a valid URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw bad(`the scheme ${url.protocol.slice(0, -1)} is neither http nor https`);
    if (url.username !== '' || url.password !== '') throw bad('credentials in the URL are not supported');
    if (url.pathname === '/' && !trimmed.replace(/^[a-z]+:\/\/[^/]*/i, '').startsWith('/')) url.pathname = DEFAULT_METRICS_PATH;
  } else {
    const slash = trimmed.indexOf('/');
    const hostPort = slash < 0 ? trimmed : trimmed.slice(0, slash);
    const targetPath = slash < 0 ? path : trimmed.slice(slash);
    const colon = hostPort.lastIndexOf(':');
    if (colon < 0 || hostPort.endsWith(']')) throw bad('it has no port');
    const host = hostPort.slice(0, colon);
    const port = hostPort.slice(colon + 1);
    if (!HOST.test(host)) throw bad(`${JSON.stringify(host.slice(0, 100))} is not a host name or IP address`);
    if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) throw bad(`the port ${JSON.stringify(port.slice(0, 20))} is not a number from 1 to 65535`);
    if (!targetPath.startsWith('/')) throw bad('the path must start with /');
    try {
      url = new URL(`${scheme}://${host}:${port}${targetPath}`);
    } catch {
      throw bad('it does not make a valid URL');
    }
  }
  if (url.hash !== '') throw bad('a #fragment means nothing to a scrape');
  const defaultPort = url.protocol === 'https:' ? '443' : '80';
  return { url: url.href, address: `${url.hostname}:${url.port || defaultPort}`, labels, source };
}

/** `--scrape`'s value: comma-separated targets and file_sd files. */
export function parseScrapeArgument(value: string): ScrapeArgument {
  const entries = value.split(',').map((entry) => entry.trim());
  if (entries.every((entry) => entry === '')) throw new Error(`--scrape needs at least one target; ${ACCEPTED}`);
  const targets: ScrapeTarget[] = [];
  const files: string[] = [];
  for (const entry of entries) {
    if (entry === '') throw new Error(`--scrape ${JSON.stringify(value.slice(0, 200))} has an empty entry between commas; ${ACCEPTED}`);
    if (isFileEntry(entry)) files.push(entry);
    else targets.push(parseTarget(entry, '--scrape'));
  }
  return { targets, files };
}

/** The scrape timeout: below the interval, so that scrapes of one target never overlap. */
export function timeoutFor(intervalMs: number): number {
  return Math.max(250, Math.min(10_000, Math.floor(intervalMs * 0.8)));
}
