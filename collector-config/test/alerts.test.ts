// Every alert (Prometheus and Loki) carries a severity, summary, description, a runbook_url to an
// existing section of docs/runbooks.md and a dashboard_url to one of the Threadline dashboards;
// every Prometheus alert has a firing and a quiet case in the promtool unit tests.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { alertRules, arr, configPath, loadYaml, lokiRuleFiles, obj, prometheusRuleFiles, repoPath } from './helpers.ts';

const RUNBOOK_BASE = 'https://github.com/threadline/threadline/blob/main/docs/runbooks.md#';
const DASHBOARD_UIDS = [
  'threadline-services-overview',
  'threadline-service-detail',
  'threadline-nodejs-runtime',
  'threadline-request-explorer',
  'threadline-service-map',
  'threadline-slo-alerts',
  'threadline-telemetry-health',
];

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  for (const m of markdown.matchAll(/^#{1,6} (.+)$/gm)) {
    out.add((m[1] ?? '').trim().toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-'));
  }
  return out;
}

const allAlerts = [...prometheusRuleFiles, ...lokiRuleFiles].flatMap((file) => alertRules(file).map((rule) => ({ file, rule })));

test('alert names are unique and follow the Threadline prefix', () => {
  const names = allAlerts.map((a) => a.rule.alert);
  assert.equal(new Set(names).size, names.length);
  for (const n of names) assert.match(n, /^Threadline[A-Z][A-Za-z0-9]+$/);
  for (const wanted of ['ThreadlineServiceDown', 'ThreadlineHighErrorRatio', 'ThreadlineSLOErrorBudgetBurnFast', 'ThreadlineSLOErrorBudgetBurnSlow',
    'ThreadlineHighP99Latency', 'ThreadlineEventLoopLag', 'ThreadlineHeapGrowth', 'ThreadlineTelemetryDropped', 'ThreadlineTelemetryExportErrors',
    'ThreadlineScrapeFailing', 'ThreadlineMessageConsumerFailures', 'ThreadlineErrorLogBurst', 'ThreadlineFatalLogLines']) {
    assert.ok(names.includes(wanted), `${wanted} is defined`);
  }
});

test('every alert has severity, summary, description, a runbook section and a dashboard link', () => {
  const runbooks = anchors(readFileSync(repoPath('docs/runbooks.md'), 'utf8'));
  for (const { file, rule } of allAlerts) {
    const where = `${file}: ${rule.alert}`;
    assert.ok(['critical', 'warning'].includes(rule.labels.severity ?? ''), `${where}: severity`);
    assert.ok((rule.annotations.summary ?? '').length > 10, `${where}: summary`);
    assert.ok((rule.annotations.description ?? '').length > 20, `${where}: description`);
    const runbook = rule.annotations.runbook_url ?? '';
    assert.ok(runbook.startsWith(RUNBOOK_BASE), `${where}: runbook_url starts with ${RUNBOOK_BASE}`);
    const anchor = runbook.slice(RUNBOOK_BASE.length);
    assert.equal(anchor, rule.alert.toLowerCase(), `${where}: the runbook section is named after the alert`);
    assert.ok(runbooks.has(anchor), `${where}: docs/runbooks.md has a section #${anchor}`);
    const dashboard = /^http:\/\/localhost:3000\/d\/([a-z0-9-]+)(\?var-service=\{\{ \$labels\.service \}\})?$/.exec(rule.annotations.dashboard_url ?? '');
    assert.ok(dashboard, `${where}: dashboard_url is a Grafana dashboard link (${rule.annotations.dashboard_url ?? ''})`);
    assert.ok(DASHBOARD_UIDS.includes(dashboard[1] ?? ''), `${where}: dashboard ${dashboard[1] ?? ''} is one of the Threadline dashboards`);
  }
});

test('alerts about a service carry the service label Alertmanager groups and inhibits by', () => {
  // Prometheus alerts: the promtool unit tests pin the labels of every firing alert.
  const doc = obj(loadYaml(configPath('prometheus/tests/alerts.test.yml')), 'alerts.test.yml');
  for (const t of arr(doc.tests, 'tests')) {
    for (const c of arr(obj(t, 'test').alert_rule_test ?? [], 'alert_rule_test')) {
      const testCase = obj(c, 'alert_rule_test');
      if (testCase.alertname === 'ThreadlineScrapeFailing') continue; // about the stack's own components
      for (const e of arr(testCase.exp_alerts, 'exp_alerts')) {
        const labels = obj(obj(e, 'exp_alert').exp_labels, 'exp_labels');
        assert.equal(typeof labels.service, 'string', `${String(testCase.alertname)} fires with a service label`);
      }
    }
  }
  // Loki alerts: service_name is copied into service.
  for (const file of lokiRuleFiles) {
    for (const rule of alertRules(file)) assert.match(rule.expr, /label_replace\([\s\S]*"service", "\$1", "service_name", "\(\.\*\)"\s*\)/, rule.alert);
  }
});

test('every runbook section belongs to an alert, and every section says what, how to investigate and how to fix', () => {
  const text = readFileSync(repoPath('docs/runbooks.md'), 'utf8');
  const names = new Set(allAlerts.map((a) => a.rule.alert));
  const sections = text.split(/^## /m).slice(1);
  assert.equal(sections.length, names.size, 'one section per alert');
  for (const section of sections) {
    const title = section.split('\n')[0]?.trim() ?? '';
    assert.ok(names.has(title), `section ${title} is an alert`);
    for (const part of ['**What it means.**', '**Investigate.**', '**Fix.**']) assert.ok(section.includes(part), `${title}: ${part}`);
  }
});

test('every Prometheus alert has a firing and a quiet case in the promtool unit tests', () => {
  const doc = obj(loadYaml(configPath('prometheus/tests/alerts.test.yml')), 'alerts.test.yml');
  const firing = new Set<string>();
  const quiet = new Set<string>();
  for (const t of arr(doc.tests, 'tests')) {
    for (const c of arr(obj(t, 'test').alert_rule_test ?? [], 'alert_rule_test')) {
      const testCase = obj(c, 'alert_rule_test');
      const expected = arr(testCase.exp_alerts, 'exp_alerts');
      (expected.length > 0 ? firing : quiet).add(String(testCase.alertname));
    }
  }
  for (const file of prometheusRuleFiles) {
    for (const rule of alertRules(file)) {
      assert.ok(firing.has(rule.alert), `${rule.alert}: a firing case`);
      assert.ok(quiet.has(rule.alert), `${rule.alert}: a quiet case`);
    }
  }
});
