// Alertmanager: `amtool check-config` and `amtool config routes test` for the routing we intend,
// plus the inhibition rules read from the file (amtool cannot evaluate those; the real alert
// path test sees one inhibit an alert in a running Alertmanager).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alertRules, arr, configPath, loadYaml, lokiRuleFiles, obj, prometheusRuleFiles, requireTool, run, str } from './helpers.ts';

const configFile = configPath('alertmanager/alertmanager.yml');

function routeFor(labels: Record<string, string>): string {
  const amtool = requireTool('amtool', 'prometheus-alertmanager');
  const args = ['config', 'routes', 'test', `--config.file=${configFile}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)];
  const result = run(amtool, args);
  assert.equal(result.status, 0, result.output);
  return result.output
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('Warning'))
    .join('\n')
    .trim();
}

test('amtool check-config accepts alertmanager.yml', () => {
  const amtool = requireTool('amtool', 'prometheus-alertmanager');
  const result = run(amtool, ['check-config', configFile]);
  assert.equal(result.status, 0, result.output);
  assert.match(result.output, /SUCCESS/);
});

test('routing: critical and warning alerts reach the webhook, anything else the default receiver', () => {
  assert.equal(routeFor({ alertname: 'ThreadlineServiceDown', severity: 'critical', service: 'orders' }), 'webhook-critical');
  assert.equal(routeFor({ alertname: 'ThreadlineHighErrorRatio', severity: 'warning', service: 'orders' }), 'webhook-warning');
  assert.equal(routeFor({ alertname: 'ThreadlineFatalLogLines', severity: 'critical', service: 'payments' }), 'webhook-critical');
  assert.equal(routeFor({ alertname: 'Watchdog', severity: 'none' }), 'default');
  assert.equal(routeFor({ alertname: 'SomethingUnlabelled' }), 'default');
});

test('every alert we ship routes to a webhook by its severity', () => {
  for (const file of [...prometheusRuleFiles, ...lokiRuleFiles]) {
    for (const rule of alertRules(file)) {
      const severity = rule.labels.severity;
      assert.ok(severity === 'critical' || severity === 'warning', `${rule.alert}: severity is critical or warning`);
      assert.equal(routeFor({ alertname: rule.alert, severity, service: 'orders' }), `webhook-${severity}`, rule.alert);
    }
  }
});

test('grouping by alertname and service; ServiceDown inhibits the same service\'s error and latency alerts', () => {
  const config = obj(loadYaml(configFile), 'alertmanager.yml');
  const route = obj(config.route, 'route');
  assert.deepEqual(route.group_by, ['alertname', 'service']);
  for (const child of arr(route.routes, 'routes')) assert.equal(obj(child, 'route').group_by, undefined, 'child routes inherit the grouping');
  const inhibit = arr(config.inhibit_rules, 'inhibit_rules').map((r) => obj(r, 'inhibit rule'));
  const down = inhibit.find((r) => arr(r.source_matchers, 'source_matchers').includes('alertname="ThreadlineServiceDown"'));
  assert.ok(down, 'an inhibit rule sourced by ThreadlineServiceDown');
  assert.deepEqual(down.equal, ['service']);
  const [target] = arr(down.target_matchers, 'target_matchers');
  const match = /^alertname=~"(.*)"$/.exec(str(target, 'target matcher'));
  assert.ok(match?.[1], 'target matcher is an alertname regex');
  const inhibited = new RegExp(`^(?:${match[1]})$`);
  const shipped = new Set(alertRules(configPath('prometheus/rules/alerts.yml')).map((r) => r.alert));
  for (const name of ['ThreadlineHighErrorRatio', 'ThreadlineHighP99Latency', 'ThreadlineSLOErrorBudgetBurnFast', 'ThreadlineSLOErrorBudgetBurnSlow']) {
    assert.ok(shipped.has(name), `${name} exists`);
    assert.match(name, inhibited);
  }
  assert.doesNotMatch('ThreadlineServiceDown', inhibited);
  for (const name of match[1].split('|')) assert.ok(shipped.has(name), `inhibited alert ${name} exists`);
});

test('receivers: the webhook is the demo alert-sink, resolved notifications included', () => {
  const config = obj(loadYaml(configFile), 'alertmanager.yml');
  const receivers = arr(config.receivers, 'receivers').map((r) => obj(r, 'receiver'));
  assert.deepEqual(receivers.map((r) => r.name).sort(), ['default', 'webhook-critical', 'webhook-warning']);
  for (const receiver of receivers) {
    const [hook] = arr(receiver.webhook_configs, 'webhook_configs').map((h) => obj(h, 'webhook'));
    assert.ok(hook);
    assert.match(str(hook.url, 'url'), /^http:\/\/alert-sink:9099\/alerts/);
    assert.equal(hook.send_resolved, true);
  }
});
