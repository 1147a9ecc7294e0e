// Prometheus file_sd files (YAML or JSON): a list of `{ targets: [host:port…], labels: {…} }` groups, as in
// collector-config/prometheus/targets/services.yml. Files are read again when they change; a file that
// turns invalid keeps its last good targets, and the error is shown beside them.
import { readFileSync, statSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { parseTarget, type ScrapeTarget } from './targets.ts';

const ACCEPTED = 'expected a list of {targets: ["host:port", …], labels: {name: "value", …}} groups (Prometheus file_sd)';
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const MAX_FILE_BYTES = 4 * 1024 * 1024;

/** The targets a file_sd file lists; throws naming the file and what is wrong. */
export function parseFileSd(text: string, file: string): ScrapeTarget[] {
  const bad = (why: string): Error => new Error(`file_sd ${file}: ${why}; ${ACCEPTED}`);
  let doc: unknown;
  try {
    doc = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    throw bad(`it does not parse: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) return [];
  if (!Array.isArray(doc)) throw bad('the top level is not a list');
  const targets: ScrapeTarget[] = [];
  doc.forEach((group: unknown, index) => {
    const where = `group ${index + 1}`;
    if (group === null || typeof group !== 'object' || Array.isArray(group)) throw bad(`${where} is not a mapping`);
    const { targets: list, labels: rawLabels = {} } = group as { targets?: unknown; labels?: unknown };
    if (!Array.isArray(list)) throw bad(`${where} has no targets list`);
    if (rawLabels === null || typeof rawLabels !== 'object' || Array.isArray(rawLabels)) throw bad(`${where}'s labels are not a mapping`);
    const labels: Record<string, string> = {};
    for (const [name, value] of Object.entries(rawLabels)) {
      if (!LABEL_NAME.test(name)) throw bad(`${where} has the label name ${JSON.stringify(name.slice(0, 60))}, which is not [a-zA-Z_][a-zA-Z0-9_]*`);
      if (typeof value !== 'string') throw bad(`${where}'s label ${name} is not a string`);
      labels[name] = value;
    }
    const scheme = labels.__scheme__ ?? 'http';
    const path = labels.__metrics_path__ ?? '/metrics';
    // Labels starting with __ steer the scrape (Prometheus's convention); they are not target labels.
    const kept = Object.fromEntries(Object.entries(labels).filter(([name]) => !name.startsWith('__')));
    for (const entry of list) {
      if (typeof entry !== 'string') throw bad(`${where} has a target that is not a string`);
      if (entry.includes('/')) throw bad(`${where}'s target ${JSON.stringify(entry.slice(0, 100))} has a path: give host:port and set __metrics_path__`);
      targets.push(parseTarget(entry, file, kept, scheme, path));
    }
  });
  return targets;
}

export interface FileSdStatus {
  readonly path: string;
  readonly targets: number;
  /** Unix ms of the last successful read. */
  readonly lastRead: number | null;
  readonly error: string | null;
}

/** One file_sd file, read again whenever its size or modification time changes. */
export class FileSd {
  readonly path: string;
  #targets: ScrapeTarget[] = [];
  #stamp = '';
  #lastRead: number | null = null;
  #error: string | null = null;

  /** Reads the file once; throws if it is missing or invalid, so that a typo stops the viewer at start. */
  constructor(path: string) {
    this.path = path;
    if (!this.refresh()) throw new Error(this.#error ?? `file_sd ${path}: unreadable`);
  }

  get targets(): readonly ScrapeTarget[] {
    return this.#targets;
  }

  status(): FileSdStatus {
    return { path: this.path, targets: this.#targets.length, lastRead: this.#lastRead, error: this.#error };
  }

  /** Re-reads the file if it changed; false if it could not be read (the previous targets stay). */
  refresh(): boolean {
    let stamp: string;
    try {
      const stat = statSync(this.path);
      if (stat.size > MAX_FILE_BYTES) throw new Error(`file_sd ${this.path}: ${stat.size} bytes, over the ${MAX_FILE_BYTES}-byte limit`);
      stamp = `${stat.size}:${stat.mtimeMs}:${stat.ino}`;
      if (stamp === this.#stamp) return this.#error === null;
      this.#targets = parseFileSd(readFileSync(this.path, 'utf8'), this.path);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.#error = message.startsWith('file_sd ') ? message : `file_sd ${this.path}: ${message}`;
      return false;
    }
    this.#stamp = stamp;
    this.#lastRead = Date.now();
    this.#error = null;
    return true;
  }
}
