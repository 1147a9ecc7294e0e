// Prometheus: `promtool check config`, `promtool check rules`, `promtool test rules`.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { arr, configPath, loadYaml, obj, prometheusRuleFiles, requireTool, run, toolVersion } from './helpers.ts';

// Keys Prometheus 3 reads that a Prometheus 2.x promtool older than 2.49 does not know.
// Debian 12 ships promtool 2.42; the stack runs Prometheus 3.x.
const SCRAPE_PROTOCOLS = ['OpenMetricsText1.0.0', 'OpenMetricsText0.0.1', 'PrometheusText1.0.0', 'PrometheusText0.0.4', 'PrometheusProto'];

test('prometheus.yml scrapes services with OpenMetrics first (exemplars) and only known protocols', () => {
  const config = obj(loadYaml(configPath('prometheus/prometheus.yml')), 'prometheus.yml');
  const jobs = arr(config.scrape_configs, 'scrape_configs').map((j) => obj(j, 'job'));
  const services = jobs.find((j) => j.job_name === 'threadline-services');
  assert.ok(services, 'a threadline-services job');
  const protocols = arr(services.scrape_protocols, 'scrape_protocols');
  assert.equal(protocols[0], 'OpenMetricsText1.0.0');
  for (const p of protocols) assert.ok(SCRAPE_PROTOCOLS.includes(String(p)), `known scrape protocol ${String(p)}`);
  assert.equal(services.honor_labels, true, 'the agent-provided service label wins');
  for (const job of jobs) {
    if (job.scrape_protocols !== undefined) {
      for (const p of arr(job.scrape_protocols, 'scrape_protocols')) assert.ok(SCRAPE_PROTOCOLS.includes(String(p)));
    }
  }
  const targets = arr(loadYaml(configPath('prometheus/targets/services.yml')), 'targets').map((t) => obj(t, 'target group'));
  const names = targets.map((t) => String(obj(t.labels, 'labels').service));
  assert.deepEqual(names, ['gateway', 'orders', 'inventory', 'payments', 'notifications']);
  for (const t of targets) {
    const [target] = arr(t.targets, 'targets');
    assert.equal(target, `${String(obj(t.labels, 'labels').service)}:9464`);
  }
  // The no-Docker copy: same services, localhost ports 9464-9468 (docs/contract.md).
  const local = arr(loadYaml(configPath('prometheus/targets/services.local.yml')), 'local targets').map((t) => obj(t, 'target group'));
  assert.deepEqual(local.map((t) => obj(t.labels, 'labels').service), names);
  assert.deepEqual(local.map((t) => arr(t.targets, 'targets')[0]), ['localhost:9464', 'localhost:9465', 'localhost:9466', 'localhost:9467', 'localhost:9468']);
});

test('promtool check config accepts prometheus.yml (rule files and file_sd targets included)', () => {
  const promtool = requireTool('promtool', 'prometheus');
  const [major, minor] = toolVersion(promtool);
  const dir = mkdtempSync(join(tmpdir(), 'threadline-promtool-'));
  try {
    cpSync(configPath('prometheus'), dir, { recursive: true });
    const config = obj(loadYaml(configPath('prometheus/prometheus.yml')), 'prometheus.yml');
    if (major < 2 || (major === 2 && minor < 49)) {
      // This promtool predates scrape_protocols (checked above against Prometheus 3's list).
      for (const job of arr(config.scrape_configs, 'scrape_configs')) delete obj(job, 'job').scrape_protocols;
    }
    writeFileSync(join(dir, 'prometheus.yml'), stringify(config));
    const result = run(promtool, ['check', 'config', join(dir, 'prometheus.yml')]);
    assert.equal(result.status, 0, result.output);
    assert.match(result.output, /SUCCESS/);
    assert.match(result.output, /recording\.yml/);
    assert.match(result.output, /alerts\.yml/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('promtool check rules accepts every Prometheus rule file', () => {
  const promtool = requireTool('promtool', 'prometheus');
  const result = run(promtool, ['check', 'rules', ...prometheusRuleFiles]);
  assert.equal(result.status, 0, result.output);
  assert.doesNotMatch(result.output, /FAILED/);
});

test('promtool test rules: every alert fires and stays quiet as the unit tests say', () => {
  const promtool = requireTool('promtool', 'prometheus');
  const dir = mkdtempSync(join(tmpdir(), 'threadline-promtool-'));
  try {
    // Same layout as the repo, so the test file's ../rules paths resolve.
    cpSync(configPath('prometheus/rules'), join(dir, 'rules'), { recursive: true });
    cpSync(configPath('prometheus/tests'), join(dir, 'tests'), { recursive: true });
    const result = run(promtool, ['test', 'rules', 'alerts.test.yml'], { cwd: join(dir, 'tests') });
    assert.equal(result.status, 0, result.output);
    assert.match(result.output, /SUCCESS/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
