// Dashboards reach datasources by the fixed UIDs the stack provisions; a UID
// that resolves to nothing shows as an empty, red panel.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { ALERTMANAGER_NAME, DATASOURCE_UIDS } from '../src/datasources.ts';
import type { DashboardJson, Json } from './support.ts';
import { allPanels, loadDashboards, repoDir, resolveUid, variables } from './support.ts';

interface Ref {
  where: string;
  type: string | undefined;
  uid: string;
}

// Every datasource reference anywhere in the JSON: panels, targets, variables.
function refs(dashboard: DashboardJson): Ref[] {
  const found: Ref[] = [];
  const walk = (node: unknown, where: string): void => {
    if (Array.isArray(node)) {
      node.forEach((child, i) => walk(child, `${where}[${i}]`));
    } else if (node !== null && typeof node === 'object') {
      for (const [key, value] of Object.entries(node as Json)) {
        if (key === 'datasource' && value !== null && typeof value === 'object') {
          const ref = value as { type?: string; uid?: string };
          found.push({ where: `${dashboard.uid} ${where}`, type: ref.type, uid: resolveUid(dashboard, ref.uid ?? '') });
        } else {
          walk(value, `${where}.${key}`);
        }
      }
    }
  };
  walk(dashboard, '');
  return found;
}

const dashboards = [...loadDashboards().values()];
const allowed = new Set<string>(DATASOURCE_UIDS);

test('every datasource UID is one the stack provisions, with a matching type', () => {
  for (const dashboard of dashboards) {
    for (const ref of refs(dashboard)) {
      assert.ok(allowed.has(ref.uid), `${ref.where}: unknown datasource UID ${ref.uid}`);
      // The stack's UIDs are named after their types, which keeps this check simple.
      assert.equal(ref.type, ref.uid, `${ref.where}: type ${String(ref.type)} for UID ${ref.uid}`);
    }
  }
});

test('every panel with queries names its datasource', () => {
  for (const dashboard of dashboards) {
    for (const panel of allPanels(dashboard)) {
      if ((panel.targets ?? []).length > 0) assert.ok(panel.datasource?.uid, `${dashboard.uid} / ${panel.title}: no datasource`);
    }
  }
});

test('the Prometheus variable defaults to the provisioned Prometheus', () => {
  for (const dashboard of dashboards) {
    for (const variable of variables(dashboard).filter((v) => v['type'] === 'datasource')) {
      assert.equal(variable['query'], 'prometheus', `${dashboard.uid}: datasource variable type`);
      assert.equal((variable['current'] as { value?: unknown }).value, 'prometheus', `${dashboard.uid}: datasource variable default`);
    }
  }
});

const provisioningDir = join(repoDir, 'collector-config', 'grafana', 'provisioning', 'datasources');

function provisioned(): { name?: string; uid?: string; type?: string }[] {
  return readdirSync(provisioningDir)
    .filter((f) => /\.ya?ml$/.test(f))
    .flatMap((f) => (parse(readFileSync(join(provisioningDir, f), 'utf8')) as { datasources?: [] } | null)?.datasources ?? []);
}

test('every datasource UID resolves in the stack provisioning', { skip: !existsSync(provisioningDir) && 'no provisioning yet' }, () => {
  const sources = provisioned();
  const uids = new Set(sources.map((s) => s.uid));
  for (const dashboard of dashboards) {
    for (const ref of refs(dashboard)) assert.ok(uids.has(ref.uid), `${ref.where}: UID ${ref.uid} is not provisioned`);
  }
  // The alert groups panel finds its Alertmanager by name.
  const alertmanager = sources.find((s) => s.uid === 'alertmanager');
  assert.equal(alertmanager?.name, ALERTMANAGER_NAME, 'the alertmanager datasource must be provisioned under the name the alert panel uses');
});
