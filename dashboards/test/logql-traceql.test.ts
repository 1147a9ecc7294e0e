// Every Loki query must be LogQL and every Tempo query TraceQL (or a trace ID lookup).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { logqlError, traceqlError } from './parse.ts';
import { loadDashboards, queries, substitute } from './support.ts';

const all = [...loadDashboards().values()].flatMap(queries);

test('every LogQL query parses', () => {
  const loki = all.filter((q) => q.datasourceType === 'loki');
  assert.ok(loki.length >= 5, 'expected Loki queries');
  for (const query of loki) {
    const text = substitute(query.text);
    if (query.queryType === 'variable') {
      assert.match(text, /^label_values\(\w+\)$/, `${query.where}: unexpected variable query`);
      continue;
    }
    const error = logqlError(text);
    assert.equal(error, undefined, `${query.where}: ${error}`);
  }
});

test('every TraceQL query parses', () => {
  const tempo = all.filter((q) => q.datasourceType === 'tempo');
  assert.ok(tempo.length >= 2, 'expected Tempo queries');
  for (const query of tempo) {
    const text = substitute(query.text);
    // Tempo's TraceQL editor takes a bare trace ID to fetch one trace.
    if (/^[0-9a-f]{16,32}$/.test(text)) continue;
    const error = traceqlError(text);
    assert.equal(error, undefined, `${query.where}: ${error}`);
  }
});

test('the parsers reject broken queries', () => {
  assert.notEqual(logqlError('{service_name="a" | json'), undefined);
  assert.notEqual(traceqlError('{ resource.service.name = '), undefined);
});
