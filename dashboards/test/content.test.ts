// What the dashboards promise beyond valid syntax: exemplars where a click
// should open a trace, and the variables that alert links fill in.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { allPanels, loadDashboards, repoDir, variables } from './support.ts';

const dashboards = [...loadDashboards().values()];
const AGENT_HISTOGRAM = /histogram_quantile\([^,]+, .*(http_server|http_client|messaging_process|rpc_server|rpc_client)_\w+_bucket/;

test('latency panels over the agent histograms have exemplars on', () => {
  let checked = 0;
  for (const dashboard of dashboards) {
    for (const panel of allPanels(dashboard).filter((p) => p.type === 'timeseries')) {
      for (const target of panel.targets ?? []) {
        if (!AGENT_HISTOGRAM.test(String(target['expr']))) continue;
        checked += 1;
        assert.equal(target['exemplar'], true, `${dashboard.uid} / ${panel.title}: exemplars off`);
      }
    }
  }
  assert.ok(checked >= 5, `only ${checked} latency panels found`);
});

test('every dashboard can be opened for one service', () => {
  for (const dashboard of dashboards) {
    assert.ok(
      variables(dashboard).some((v) => v['name'] === 'service'),
      `${dashboard.uid} has no service variable, so ?var-service= links do nothing`,
    );
  }
});

const alertsFile = join(repoDir, 'collector-config', 'prometheus', 'rules', 'alerts.yml');

test('alert dashboard links name existing dashboards and variables', { skip: !existsSync(alertsFile) && 'no alert rules yet' }, () => {
  const byUid = new Map(dashboards.map((d) => [d.uid, d]));
  const links = [...readFileSync(alertsFile, 'utf8').matchAll(/\/d\/([\w-]+)(\?[^"\s]*)?/g)];
  assert.ok(links.length > 0, 'no dashboard links in the alert rules');
  for (const [, uid = '', query = ''] of links) {
    const dashboard = byUid.get(uid);
    assert.ok(dashboard, `an alert links to unknown dashboard ${uid}`);
    const defined = new Set(variables(dashboard).map((v) => v['name']));
    for (const [, name] of query.matchAll(/var-(\w+)=/g)) {
      assert.ok(defined.has(name), `an alert links to ${uid} with var-${String(name)}, which it does not define`);
    }
  }
});
