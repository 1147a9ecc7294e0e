// The loopback copies of the repo's Prometheus and Alertmanager configs that `npm run demo` and
// the tests start: valid for the installed promtool/amtool, the same services and rules as the
// repo (the targets agree with collector-config's services.local.yml), and fast mode changes
// timings only, never an expression.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { collectorConfigDir } from '../runner/paths.ts';
import { LOCAL_PORTS } from '../runner/shop.ts';
import { FAST, findTool, renderAlertmanagerConfig, renderPrometheusConfig, renderRules, renderTargets, toolVersion, type StackOptions } from '../runner/stack.ts';

type Obj = Record<string, unknown>;
type Rule = { alert?: string; record?: string; expr: string; for?: string; labels?: Obj; annotations?: Obj };
const rulesOf = (doc: Obj): Rule[] => (doc.groups as Array<{ rules: Rule[] }>).flatMap((g) => g.rules);

function run(tool: string, args: string[]): string {
  try {
    return execFileSync(tool, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    throw new Error(`${tool} ${args.join(' ')} failed:\n${failed.stdout ?? ''}${failed.stderr ?? ''}`, { cause: error });
  }
}

describe('stack configs rendered for loopback', () => {
  const dir = mkdtempSync(join(tmpdir(), 'threadline-stack-config-'));
  const options: StackOptions = { dir, prometheusPort: 9090, alertmanagerPort: 9093, alertSinkPort: 9099, metricsPorts: LOCAL_PORTS.metrics, fast: false };
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('targets the local metrics ports of docs/contract.md, as services.local.yml does', () => {
    const local = parse(readFileSync(join(collectorConfigDir, 'prometheus/targets/services.local.yml'), 'utf8')) as Array<{ targets: string[]; labels: Obj }>;
    const rendered = renderTargets(LOCAL_PORTS.metrics) as Array<{ targets: string[]; labels: Obj }>;
    assert.deepEqual(
      rendered.map((t) => [t.labels, t.targets[0]?.replace('127.0.0.1', 'localhost')]),
      local.map((t) => [t.labels, t.targets[0]]),
    );
  });

  it('passes promtool check config with the repo\'s rules', () => {
    const promtool = findTool(['promtool']);
    assert.ok(promtool, 'promtool is installed (Debian package prometheus)');
    const prometheus = findTool(['prometheus']) ?? promtool;
    mkdirSync(join(dir, 'rules'), { recursive: true });
    writeFileSync(join(dir, 'targets.yml'), stringify(renderTargets(options.metricsPorts)));
    for (const [file, doc] of renderRules(false)) writeFileSync(join(dir, 'rules', file), stringify(doc));
    const config = renderPrometheusConfig(options, toolVersion(prometheus));
    writeFileSync(join(dir, 'prometheus.yml'), stringify(config));
    assert.match(run(promtool, ['check', 'config', join(dir, 'prometheus.yml')]), /SUCCESS/);
    const jobs = (config.scrape_configs as Obj[]).map((j) => j.job_name);
    assert.deepEqual(jobs, ['threadline-services', 'prometheus', 'alertmanager'], 'only jobs for what runs locally');
    assert.deepEqual(config.alerting, { alertmanagers: [{ static_configs: [{ targets: ['127.0.0.1:9093'] }] }] });
  });

  it('passes amtool check-config, posting to the local alert sink', () => {
    const amtool = findTool(['amtool']);
    assert.ok(amtool, 'amtool is installed (Debian package prometheus-alertmanager)');
    const config = renderAlertmanagerConfig(9099, false);
    writeFileSync(join(dir, 'alertmanager.yml'), stringify(config));
    assert.match(run(amtool, ['check-config', join(dir, 'alertmanager.yml')]), /SUCCESS/);
    const urls = (config.receivers as Array<{ webhook_configs: Array<{ url: string }> }>).flatMap((r) => r.webhook_configs.map((h) => h.url));
    assert.ok(urls.length > 0);
    for (const url of urls) assert.match(url, /^http:\/\/127\.0\.0\.1:9099\/alerts/);
  });

  it('fast mode shortens `for` and group waits but keeps every expression, label and annotation', () => {
    const slow = renderRules(false);
    const fast = renderRules(true);
    for (const [file, doc] of slow) {
      const before = rulesOf(doc);
      const afterFast = rulesOf(fast.get(file) as Obj);
      assert.equal(afterFast.length, before.length);
      before.forEach((rule, index) => {
        const quick = afterFast[index] as Rule;
        assert.equal(quick.expr, rule.expr);
        assert.deepEqual(quick.labels, rule.labels);
        assert.deepEqual(quick.annotations, rule.annotations);
        if (rule.for !== undefined) assert.equal(quick.for, FAST.alertFor);
      });
    }
    const route = renderAlertmanagerConfig(9099, true).route as { group_wait: string; routes: Array<{ group_wait: string }> };
    assert.equal(route.group_wait, FAST.groupWait);
    for (const child of route.routes) assert.equal(child.group_wait, FAST.groupWait);
  });
});
