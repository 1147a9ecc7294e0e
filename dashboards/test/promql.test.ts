// Every PromQL expression, macros and variables replaced by concrete values,
// must parse — with Prometheus' own promtool and with the Lezer grammar.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { promqlError } from './parse.ts';
import type { FoundQuery } from './support.ts';
import { loadDashboards, queries, substitute } from './support.ts';

// label_values(<selector>, <label>) is Grafana's, not PromQL; its selector is.
function promql(query: FoundQuery): string {
  const text = substitute(query.text);
  if (query.queryType !== 'variable') return text;
  const match = /^label_values\((.+),\s*\w+\)$/.exec(text);
  assert.ok(match?.[1], `${query.where}: unexpected variable query ${text}`);
  return match[1];
}

function promQueries(): { where: string; expr: string }[] {
  return [...loadDashboards().values()]
    .flatMap(queries)
    .filter((q) => q.datasourceType === 'prometheus')
    .map((q) => ({ where: q.where, expr: promql(q) }));
}

test('there are PromQL queries to check', () => {
  assert.ok(promQueries().length > 50);
});

test('every PromQL query parses (Lezer PromQL grammar)', () => {
  for (const { where, expr } of promQueries()) {
    const error = promqlError(expr);
    assert.equal(error, undefined, `${where}: ${error}`);
  }
});

test('every PromQL query passes promtool check rules', () => {
  const found = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
  assert.ok(!found.error, 'promtool is not installed: `apt-get install prometheus` (Debian) puts it on PATH');
  const all = promQueries();
  const rules = all.map(({ expr }, i) => ({ record: `threadline_dashboards:query_${i}`, expr }));
  const dir = mkdtempSync(join(tmpdir(), 'threadline-promql-'));
  try {
    const file = join(dir, 'dashboards.rules.yml');
    writeFileSync(file, stringify({ groups: [{ name: 'dashboards', rules }] }));
    try {
      execFileSync('promtool', ['check', 'rules', file], { encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      const output = String((error as { stdout?: string }).stdout) + String((error as { stderr?: string }).stderr);
      // promtool names rules by position; map them back to the panel.
      const named = output.replace(/query_(\d+)/g, (m, i: string) => `${m} (${all[Number(i)]?.where ?? '?'})`);
      assert.fail(`promtool rejected dashboard queries:\n${named}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the PromQL grammar rejects a broken query', () => {
  assert.notEqual(promqlError('sum(rate(http_server_request_duration_seconds_count[5m])'), undefined);
});
