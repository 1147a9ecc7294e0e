// Every PromQL, LogQL and TraceQL expression in the configs (and in the runbooks' query blocks)
// goes through the Grafana/Prometheus Lezer parsers: a parse tree with an error node is invalid.
// PromQL metric names are also checked against docs/contract.md and the recording rules.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { LRParser } from '@lezer/lr';
import { parser as logqlParser } from '@grafana/lezer-logql';
import { parser as promqlParser } from '@prometheus-io/lezer-promql';
import { parser as traceqlParser } from '@grafana/lezer-traceql';
import { alertRules, arr, configPath, loadYaml, lokiRuleFiles, obj, prometheusRuleFiles, recordingRules, repoPath, str } from './helpers.ts';

interface Located {
  where: string;
  expr: string;
}

function parseErrors(parser: LRParser, expr: string): string[] {
  const errors: string[] = [];
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.isError) errors.push(`error at ${node.from}: "${expr.slice(Math.max(0, node.from - 20), node.to + 20)}"`);
    },
  });
  return errors;
}

function assertParses(parser: LRParser, language: string, items: Located[]): void {
  assert.ok(items.length > 0, `some ${language} expressions to check`);
  for (const { where, expr } of items) {
    assert.ok(expr.trim().length > 0, `${where}: empty ${language}`);
    assert.deepEqual(parseErrors(parser, expr), [], `${where}: invalid ${language}: ${expr}`);
  }
}

/** Fenced ```<language> blocks of docs/runbooks.md. */
function runbookBlocks(language: string): Located[] {
  const text = readFileSync(repoPath('docs/runbooks.md'), 'utf8');
  const out: Located[] = [];
  const re = new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g');
  for (const match of text.matchAll(re)) {
    for (const line of (match[1] ?? '').split('\n')) {
      if (line.trim() !== '') out.push({ where: `docs/runbooks.md ${language} block`, expr: line });
    }
  }
  return out;
}

/** Grafana provisioning writes a literal `$` as `$$`; then Grafana's own template variables are filled. */
function grafanaQuery(raw: string, variables: Record<string, string>): string {
  let text = raw.replaceAll('$$', '$');
  for (const [name, value] of Object.entries(variables)) text = text.replaceAll(name, value);
  return text;
}

function tempoJsonData(): Record<string, unknown> {
  const doc = obj(loadYaml(configPath('grafana/provisioning/datasources/datasources.yml')), 'datasources');
  const tempo = arr(doc.datasources, 'datasources').map((d) => obj(d, 'ds')).find((d) => d.uid === 'tempo');
  return obj(tempo?.jsonData, 'tempo jsonData');
}

function promqlExpressions(): Located[] {
  const items: Located[] = [];
  for (const file of prometheusRuleFiles) {
    for (const r of recordingRules(file)) items.push({ where: `${file} record ${r.record}`, expr: r.expr });
    for (const r of alertRules(file)) items.push({ where: `${file} alert ${r.alert}`, expr: r.expr });
  }
  const queries = arr(obj(tempoJsonData().tracesToMetrics, 'tracesToMetrics').queries, 'queries');
  for (const q of queries) {
    const query = obj(q, 'query');
    items.push({ where: `grafana tracesToMetrics ${String(query.name)}`, expr: grafanaQuery(str(query.query, 'query'), { '$__tags': 'service="orders"' }) });
  }
  return items;
}

test('the parsers reject broken queries (the checks below are not vacuous)', () => {
  assert.notDeepEqual(parseErrors(promqlParser, 'sum(rate(http_server_request_duration_seconds_count[5m])'), []);
  assert.notDeepEqual(parseErrors(promqlParser, 'up{job="x"} ==== 0'), []);
  assert.notDeepEqual(parseErrors(logqlParser, 'sum by (service_name) (count_over_time({level="error"}))'), []);
  assert.notDeepEqual(parseErrors(logqlParser, '{level="error" |= "x"'), []);
  assert.notDeepEqual(parseErrors(traceqlParser, '{ resource.service.name = }'), []);
  assert.deepEqual(parseErrors(promqlParser, 'up == 0'), []);
  assert.deepEqual(parseErrors(logqlParser, '{level="error"} |= "x"'), []);
  assert.deepEqual(parseErrors(traceqlParser, '{ status = error }'), []);
});

test('every PromQL expression parses: recording and alerting rules, Grafana tracesToMetrics, runbooks', () => {
  assertParses(promqlParser, 'PromQL', [...promqlExpressions(), ...runbookBlocks('promql')]);
});

test('every LogQL expression parses: Loki ruler rules, Grafana tracesToLogsV2, runbooks', () => {
  const items: Located[] = [];
  for (const file of lokiRuleFiles) for (const r of alertRules(file)) items.push({ where: `${file} alert ${r.alert}`, expr: r.expr });
  const toLogs = obj(tempoJsonData().tracesToLogsV2, 'tracesToLogsV2');
  assert.equal(toLogs.customQuery, true);
  items.push({
    where: 'grafana tracesToLogsV2 query',
    expr: grafanaQuery(str(toLogs.query, 'query'), { '${__tags}': 'service_name="orders"', '${__trace.traceId}': '4bf92f3577b34da6a3ce929d0e0e4736' }),
  });
  assertParses(logqlParser, 'LogQL', [...items, ...runbookBlocks('logql')]);
});

test('every TraceQL expression parses (runbooks)', () => {
  assertParses(traceqlParser, 'TraceQL', runbookBlocks('traceql'));
});

test('PromQL names only contract metrics, recording rules and Prometheus built-ins', () => {
  const contract = readFileSync(repoPath('docs/contract.md'), 'utf8');
  // Every histogram the contract's metrics table lists, with its three series.
  const histograms = [...contract.matchAll(/^\| `([a-z0-9_]+)` \| histogram/gm)].map((m) => m[1] ?? '');
  assert.ok(histograms.includes('http_server_request_duration_seconds') && histograms.includes('rpc_server_call_duration_seconds'), histograms.join(', '));
  const known = new Set<string>(['up', 'circuit_breaker_state']);
  for (const h of histograms) for (const suffix of ['_bucket', '_count', '_sum']) known.add(h + suffix);
  for (const m of contract.matchAll(/`((?:nodejs|process|threadline)_[a-z0-9_]+)`/g)) if (m[1]) known.add(m[1]);
  const records = prometheusRuleFiles.flatMap((f) => recordingRules(f).map((r) => r.record));
  for (const r of records) known.add(r);
  for (const { where, expr } of promqlExpressions()) {
    const tree = promqlParser.parse(expr);
    tree.iterate({
      enter(node) {
        if (node.name !== 'VectorSelector') return;
        const id = node.node.getChild('Identifier');
        if (id) {
          const name = expr.slice(id.from, id.to);
          assert.ok(known.has(name), `${where}: metric ${name} is in docs/contract.md or a recording rule`);
        }
      },
    });
  }
  // Every recording rule named in the contract exists.
  for (const m of contract.matchAll(/`(service(?:_route)?:[a-z0-9_:]+)`/g)) {
    const name = m[1] ?? '';
    if (name.endsWith(':')) continue;
    assert.ok(records.includes(name), `contract recording rule ${name} is defined`);
  }
  for (const w of ['5m', '30m', '1h', '2h', '6h', '1d', '3d']) assert.ok(records.includes(`service:slo_errors:ratio_rate${w}`));
  for (const q of ['p50_5m', 'p95_5m', 'p99_5m']) assert.ok(records.includes(`service:http_server_request_duration_seconds:${q}`));
});

test('LogQL selects only the contract stream labels', () => {
  const allowed = new Set(['service_name', 'deployment_environment', 'level']);
  for (const file of lokiRuleFiles) {
    for (const r of alertRules(file)) {
      for (const m of r.expr.matchAll(/\{([^}]*)\}/g)) {
        for (const matcher of (m[1] ?? '').split(',')) {
          const label = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)/.exec(matcher)?.[1];
          if (label) assert.ok(allowed.has(label), `${r.alert}: stream label ${label} is one of ${[...allowed].join(', ')}`);
        }
      }
    }
  }
});
