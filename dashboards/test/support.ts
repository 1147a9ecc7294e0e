// Reads the generated dashboards and pulls out what the tests check: panels,
// queries with their resolved datasource, and concrete stand-ins for variables.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const dashboardsDir = fileURLToPath(new URL('..', import.meta.url));
export const generatedDir = join(dashboardsDir, 'generated');
export const repoDir = join(dashboardsDir, '..');

export interface Json {
  [key: string]: unknown;
}

export interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface PanelJson {
  id?: number;
  type: string;
  title?: string;
  gridPos?: GridPos;
  datasource?: { type?: string; uid?: string };
  targets?: Json[];
  panels?: PanelJson[];
  options?: Json;
}

export interface DashboardJson {
  uid: string;
  title: string;
  panels: PanelJson[];
  templating?: { list?: Json[] };
  links?: Json[];
}

export function generatedFiles(): string[] {
  return readdirSync(generatedDir)
    .filter((f) => f.endsWith('.json'))
    .sort();
}

export function loadDashboards(): Map<string, DashboardJson> {
  return new Map(generatedFiles().map((f) => [f, JSON.parse(readFileSync(join(generatedDir, f), 'utf8')) as DashboardJson]));
}

// Panels at top level and inside collapsed rows.
export function allPanels(dashboard: DashboardJson): PanelJson[] {
  return dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

export function variables(dashboard: DashboardJson): Json[] {
  return dashboard.templating?.list ?? [];
}

// `${datasource}` → the datasource variable's default, as Grafana would resolve it on load.
export function resolveUid(dashboard: DashboardJson, uid: string): string {
  const match = /^\$\{?(\w+)\}?$/.exec(uid);
  if (!match) return uid;
  const variable = variables(dashboard).find((v) => v['name'] === match[1] && v['type'] === 'datasource');
  const current = variable?.['current'] as { value?: unknown } | undefined;
  return typeof current?.value === 'string' ? current.value : uid;
}

export interface FoundQuery {
  where: string;
  datasourceType: string;
  datasourceUid: string;
  text: string;
  queryType?: string;
}

// Every query text in a dashboard: panel targets and query variables.
export function queries(dashboard: DashboardJson): FoundQuery[] {
  const found: FoundQuery[] = [];
  for (const panel of allPanels(dashboard)) {
    for (const target of panel.targets ?? []) {
      const ds = (target['datasource'] ?? panel.datasource ?? {}) as { type?: string; uid?: string };
      const text = (target['expr'] ?? target['query']) as string | undefined;
      if (text === undefined) continue;
      const queryType = target['queryType'] as string | undefined;
      found.push({
        where: `${dashboard.uid} / ${panel.title ?? panel.type} / ${String(target['refId'])}`,
        datasourceType: ds.type ?? '',
        datasourceUid: resolveUid(dashboard, ds.uid ?? ''),
        text,
        ...(queryType === undefined ? {} : { queryType }),
      });
    }
  }
  for (const variable of variables(dashboard)) {
    const ds = variable['datasource'] as { type?: string; uid?: string } | undefined;
    if (variable['type'] !== 'query' || ds === undefined) continue;
    found.push({
      where: `${dashboard.uid} / variable ${String(variable['name'])}`,
      datasourceType: ds.type ?? '',
      datasourceUid: resolveUid(dashboard, ds.uid ?? ''),
      text: variable['query'] as string,
      queryType: 'variable',
    });
  }
  return found;
}

// Concrete values for Grafana's macros and Threadline's variables, so a query
// can go through a real parser. An unknown variable is an error: it is a typo
// or a variable the dashboard forgot to define.
const stand_ins: Record<string, string> = {
  __rate_interval: '1m',
  __interval: '1m',
  __auto: '1m',
  __range: '1h',
  service: 'gateway',
  instance: 'gateway:9464',
  route: '/orders/:id',
  correlation_id: 'req-7f3a',
  trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
  datasource: 'prometheus',
};

export function substitute(text: string): string {
  return text.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, (_all, braced: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare ?? '';
    const value = stand_ins[name];
    if (value === undefined) throw new Error(`no stand-in for variable $${name} in: ${text}`);
    return value;
  });
}

// Variables a query refers to, Grafana's own `$__…` macros left out.
export function referencedVariables(text: string): string[] {
  return [...text.matchAll(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g)].map((m) => m[1] ?? m[2] ?? '').filter((name) => !name.startsWith('__'));
}
