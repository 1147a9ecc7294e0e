import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import client from 'prom-client';
import { parseExposition } from '../../src/scrape/exposition.ts';

test('Prometheus text: HELP/TYPE, labels with escapes, timestamps in ms, special floats', () => {
  const text = [
    '# HELP http_requests_total The total.',
    '# TYPE http_requests_total counter',
    'http_requests_total{method="post",code="200"} 1027 1395066363000',
    'http_requests_total{method="post",code="400",} 3 1395066363000',
    'msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9',
    '# a plain comment',
    '',
    'metric_without_timestamp_and_labels 12.47',
    'something_weird{problem="division by zero"} +Inf -3982045',
    '  indented_metric   NaN',
    'minus_inf -Inf',
  ].join('\n');
  const parsed = parseExposition(text, { openMetrics: false });
  assert.deepEqual(parsed.errors, []);
  assert.equal(parsed.types.get('http_requests_total'), 'counter');
  assert.equal(parsed.samples.length, 7);
  assert.deepEqual({ ...parsed.samples[0]!.labels }, { method: 'post', code: '200' });
  assert.equal(parsed.samples[0]!.timestampMs, 1395066363000);
  assert.deepEqual({ ...parsed.samples[1]!.labels }, { method: 'post', code: '400' });
  assert.deepEqual({ ...parsed.samples[2]!.labels }, { path: 'C:\\DIR\\FILE.TXT', error: 'Cannot find file:\n"FILE.TXT"' });
  assert.equal(parsed.samples[2]!.value, 1.458255915e9);
  assert.equal(parsed.samples[4]!.value, Infinity);
  assert.equal(parsed.samples[4]!.timestampMs, -3982045);
  assert.ok(Number.isNaN(parsed.samples[5]!.value));
  assert.equal(parsed.samples[6]!.value, -Infinity);
});

test('OpenMetrics: exemplars with timestamps in seconds, _created lines, # EOF', () => {
  const text = [
    '# TYPE rpc_duration_seconds histogram',
    '# UNIT rpc_duration_seconds seconds',
    'rpc_duration_seconds_bucket{le="0.01"} 3 # {trace_id="0af7651916cd43dd8448eb211c80319c",span_id="b7ad6b7169203331"} 0.004 1700000000.123',
    'rpc_duration_seconds_bucket{le="+Inf"} 5 # {trace_id="ff"} 2',
    'rpc_duration_seconds_count 5',
    'rpc_duration_seconds_sum 1.5',
    'rpc_duration_seconds_created 1699999000.5',
    '# EOF',
  ].join('\n');
  const parsed = parseExposition(text, { openMetrics: true });
  assert.deepEqual(parsed.errors, []);
  assert.equal(parsed.eof, true);
  assert.equal(parsed.samples.length, 5);
  const first = parsed.samples[0]!;
  assert.deepEqual({ ...first.exemplar!.labels }, { trace_id: '0af7651916cd43dd8448eb211c80319c', span_id: 'b7ad6b7169203331' });
  assert.equal(first.exemplar!.value, 0.004);
  assert.equal(first.exemplar!.timestampMs, 1700000000123);
  assert.equal(parsed.samples[1]!.exemplar!.timestampMs, undefined);
  assert.equal(parsed.samples[4]!.name, 'rpc_duration_seconds_created');
  assert.equal(parsed.samples[4]!.value, 1699999000.5);
});

test('a label named __proto__ is kept as a label', () => {
  const [sample] = parseExposition('x{__proto__="a",constructor="b"} 1\n', { openMetrics: false }).samples;
  assert.deepEqual(Object.entries(sample!.labels), [['__proto__', 'a'], ['constructor', 'b']]);
});

test('Prometheus 3 quoted names inside the braces', () => {
  const parsed = parseExposition('{"http.server.duration_count","http.route"="/a"} 4\n', { openMetrics: false });
  assert.deepEqual(parsed.errors, []);
  assert.equal(parsed.samples[0]!.name, 'http.server.duration_count');
  assert.deepEqual({ ...parsed.samples[0]!.labels }, { 'http.route': '/a' });
});

test('malformed lines are rejected with a reason and line number; the rest of the scrape is kept', () => {
  const text = [
    'good_one 1',
    'bad{label="unterminated} 2',
    'bad_value{a="b"} twelve',
    'bad_escape{a="\\t"} 1',
    'dup{a="1",a="2"} 1',
    '9starts_with_digit 1',
    'no_value',
    'trailing_junk 1 2 3',
    '# TYPE x notatype',
    'good_two{a="b"} 2',
    'bad_timestamp 1 1.5',
  ].join('\n');
  const parsed = parseExposition(text, { openMetrics: false, maxErrors: 100 });
  assert.deepEqual(parsed.samples.map((s) => s.name), ['good_one', 'good_two']);
  assert.equal(parsed.rejected, 9);
  assert.deepEqual(parsed.errors.map((e) => e.line), [2, 3, 4, 5, 6, 7, 8, 9, 11]);
  const reasons = parsed.errors.map((e) => e.reason);
  assert.match(reasons[0]!, /not closed/);
  assert.match(reasons[1]!, /not a number/);
  assert.match(reasons[2]!, /unknown escape/);
  assert.match(reasons[3]!, /appears twice/);
  assert.match(reasons[4]!, /metric name/);
  assert.match(reasons[5]!, /value is missing|space before the value/);
  assert.match(reasons[7]!, /unknown metric type/);
  assert.match(reasons[8]!, /integer milliseconds/);
});

test('OpenMetrics: text after # EOF and blank lines are rejected; errors are capped but counted', () => {
  const parsed = parseExposition('a 1\n\n# EOF\nb 2\nc 3\n', { openMetrics: true, maxErrors: 1 });
  assert.deepEqual(parsed.samples.map((s) => s.name), ['a']);
  assert.equal(parsed.rejected, 3);
  assert.equal(parsed.errors.length, 1);
  assert.match(parsed.errors[0]!.reason, /blank lines/);
});

test('a real prom-client registry in OpenMetrics, with exemplars and escaped label values, parses without errors', async () => {
  const registry = new client.Registry<client.RegistryContentType>();
  registry.setContentType(client.Registry.OPENMETRICS_CONTENT_TYPE);
  registry.setDefaultLabels({ service: 'gateway' });
  const histogram = new client.Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'Duration "of" requests\\.',
    labelNames: ['http_request_method', 'http_route', 'http_response_status_code'],
    buckets: [0.005, 0.01, 0.1, 1],
    enableExemplars: true,
    registers: [registry],
  });
  const route = 'weird "route"\\ with\nnewline';
  histogram.observe({ labels: { http_request_method: 'GET', http_route: route, http_response_status_code: '200' }, value: 0.007, // prom-client types exemplar labels as the series' label names; any names are accepted at run time.
    exemplarLabels: { trace_id: '0af7651916cd43dd8448eb211c80319c', span_id: 'b7ad6b7169203331' } as Record<string, string> as never });
  client.collectDefaultMetrics({ register: registry });
  const parsed = parseExposition(await registry.metrics(), { openMetrics: true });
  assert.deepEqual(parsed.errors, []);
  assert.equal(parsed.eof, true);
  const bucket = parsed.samples.find((s) => s.name === 'http_server_request_duration_seconds_bucket' && s.labels.le === '0.01')!;
  assert.equal(bucket.labels.http_route, route);
  assert.equal(bucket.value, 1);
  assert.equal(bucket.exemplar!.labels.trace_id, '0af7651916cd43dd8448eb211c80319c');
  assert.equal(bucket.exemplar!.value, 0.007);
  assert.ok(Math.abs(bucket.exemplar!.timestampMs! - Date.now()) < 60_000);
  registry.setContentType(client.Registry.PROMETHEUS_CONTENT_TYPE);
  const text = parseExposition(await registry.metrics(), { openMetrics: false });
  assert.deepEqual(text.errors, []);
  assert.ok(text.samples.length > 20);
});

const labelName = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,10}$/);
const metricName = fc.stringMatching(/^[a-zA-Z_:][a-zA-Z0-9_:]{0,20}$/);
const escape = (value: string): string => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

test('property: any rendered sample parses back to its name, labels and value', () => {
  fc.assert(
    fc.property(
      metricName,
      fc.uniqueArray(fc.tuple(labelName, fc.string({ unit: 'grapheme', maxLength: 20 })), { selector: ([name]) => name, maxLength: 5 }),
      fc.double({ noNaN: true }),
      fc.boolean(),
      (name, labels, value, openMetrics) => {
        const rendered = `${name}{${labels.map(([k, v]) => `${k}="${escape(v)}"`).join(',')}} ${Object.is(value, -0) ? "-0" : String(value)}\n`;
        const parsed = parseExposition(rendered, { openMetrics });
        assert.deepEqual(parsed.errors, []);
        assert.equal(parsed.samples[0]!.name, name);
        assert.deepEqual({ ...parsed.samples[0]!.labels }, Object.fromEntries(labels));
        assert.equal(parsed.samples[0]!.value, value);
      },
    ),
    { numRuns: 500 },
  );
});

test('property: hostile input (random text, truncated and mutated exposition) never throws, and every line is a sample or a reason', () => {
  const valid = 'h_bucket{le="0.1",a="x\\"y"} 3 # {trace_id="abc"} 0.05 1700000000\nh_count 3\n# TYPE h histogram\n# EOF\n';
  const hostile = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.integer({ min: 0, max: valid.length }).map((n) => valid.slice(0, n)),
    fc.tuple(fc.integer({ min: 0, max: valid.length - 1 }), fc.string({ maxLength: 3 })).map(([at, junk]) => valid.slice(0, at) + junk + valid.slice(at + 1)),
    fc.array(fc.constantFrom('{', '}', '"', '\\', '#', ' ', '=', ',', 'a', '1', '\n', 'e', '+Inf'), { maxLength: 80 }).map((parts) => parts.join('')),
  );
  fc.assert(
    fc.property(hostile, fc.boolean(), (text, openMetrics) => {
      const parsed = parseExposition(text, { openMetrics, maxErrors: 1000 });
      const lines = text === '' ? [] : text.split('\n');
      if (text.endsWith('\n')) lines.pop();
      const comments = lines.filter((line) => line.replace(/\r$/, '').startsWith('#')).length;
      const blanks = openMetrics ? 0 : lines.filter((line) => line.trim() === '').length;
      assert.ok(parsed.samples.length + parsed.rejected + comments + blanks >= lines.length);
      for (const sample of parsed.samples) assert.equal(typeof sample.value, 'number');
    }),
    { numRuns: 2000 },
  );
});
