// Shared helpers for the collector-config tests: paths, YAML loading, external tools.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const configDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = resolve(configDir, '..');

export function configPath(...parts: string[]): string {
  return join(configDir, ...parts);
}

export function repoPath(...parts: string[]): string {
  return join(repoRoot, ...parts);
}

/** Parses a YAML file with merge keys (`<<: *anchor`) resolved, as Compose does. */
export function loadYaml(path: string): unknown {
  return parse(readFileSync(path, 'utf8'), { merge: true });
}

export type Obj = Record<string, unknown>;

export function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function obj(value: unknown, what: string): Obj {
  if (!isObj(value)) throw new Error(`${what}: expected a mapping, got ${JSON.stringify(value)}`);
  return value;
}

export function arr(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${what}: expected a list, got ${JSON.stringify(value)}`);
  return value;
}

export function str(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new Error(`${what}: expected a string, got ${JSON.stringify(value)}`);
  return value;
}

/** Absolute path of a required command; throws a clear message when it is not installed. */
export function requireTool(name: string, debianPackage: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const path = found.stdout.trim();
  if (found.status !== 0 || path === '') {
    throw new Error(
      `${name} is not installed. It comes with the Debian package "${debianPackage}": ` +
        `apt-get install -y ${debianPackage} (.ci/run installs it in CI).`,
    );
  }
  return path;
}

export interface RunResult {
  status: number;
  output: string;
}

/** Runs a command to completion (with a timeout) and returns its exit status and combined output. */
export function run(cmd: string, args: string[], options: { cwd?: string; input?: string } = {}): RunResult {
  const result = spawnSync(cmd, args, {
    cwd: options.cwd ?? repoRoot,
    input: options.input,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (result.error) throw result.error;
  return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
}

/** Version (major, minor) printed by `<tool> --version`, e.g. "promtool, version 2.42.0+ds". */
export function toolVersion(path: string): [number, number] {
  const text = execFileSync(path, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const match = /version (\d+)\.(\d+)/.exec(text);
  if (!match) throw new Error(`cannot read the version of ${path} from: ${text}`);
  return [Number(match[1]), Number(match[2])];
}

/** Alerting rules of a Prometheus- or Loki-style rule file. */
export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export function alertRules(path: string): AlertRule[] {
  const doc = obj(loadYaml(path), path);
  const rules: AlertRule[] = [];
  for (const group of arr(doc.groups, `${path} groups`)) {
    for (const rule of arr(obj(group, 'group').rules, 'rules')) {
      const r = obj(rule, 'rule');
      if (typeof r.alert === 'string') rules.push(r as unknown as AlertRule);
    }
  }
  return rules;
}

export function recordingRules(path: string): { record: string; expr: string }[] {
  const doc = obj(loadYaml(path), path);
  const rules: { record: string; expr: string }[] = [];
  for (const group of arr(doc.groups, `${path} groups`)) {
    for (const rule of arr(obj(group, 'group').rules, 'rules')) {
      const r = obj(rule, 'rule');
      if (typeof r.record === 'string') rules.push({ record: r.record, expr: str(r.expr, r.record) });
    }
  }
  return rules;
}

export const prometheusRuleFiles = [configPath('prometheus/rules/recording.yml'), configPath('prometheus/rules/alerts.yml')];
export const lokiRuleFiles = [configPath('loki/rules/fake/threadline.yml')];
