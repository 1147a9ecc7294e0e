// The UI's DOM-free parts: the waterfall's tree order, the map's layers, colours and number formats.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { serviceColors } from '../src/ui/colors.ts';
import { formatBytes, formatDuration, formatPercent, formatRate, shortId } from '../src/ui/format.ts';
import { layoutMap } from '../src/ui/map-layout.ts';
import { categoryLabel, layoutWaterfall, nanosToMs, spanCategory, type LayoutSpan } from '../src/ui/waterfall-layout.ts';

const span = (spanId: string, parentSpanId: string, startMs: number, durationMs: number, traceId = 't1'): LayoutSpan => ({ traceId, spanId, parentSpanId, startTimeUnixNano: `${BigInt(Math.round(startMs * 1e6))}`, durationMs });

describe('waterfall layout', () => {
  test('children follow their parent, siblings by start, with depth and offset', () => {
    const rows = layoutWaterfall([span('c2', 'p', 1_000_030, 5), span('p', '', 1_000_000, 100), span('c1', 'p', 1_000_010, 5), span('g', 'c1', 1_000_012, 1)]).rows;
    assert.deepEqual(rows.map((row) => [row.span.spanId, row.depth, row.offsetMs]), [['p', 0, 0], ['c1', 1, 10], ['g', 2, 12], ['c2', 1, 30]]);
    assert.deepEqual(rows.map((row) => row.hasChildren), [true, true, false, false]);
  });

  test('the axis runs from the first start to the last end', () => {
    const layout = layoutWaterfall([span('a', '', 5000, 10), span('b', 'a', 5002, 40)]);
    assert.equal(layout.startMs, 5000);
    assert.equal(layout.totalMs, 42);
  });

  test('a span whose parent is missing, or in another trace, starts its own tree', () => {
    const rows = layoutWaterfall([span('a', '', 0, 10, 't1'), span('b', 'zz', 5, 1, 't1'), span('c', 'a', 6, 1, 't2')]).rows;
    assert.deepEqual(rows.map((row) => [row.span.spanId, row.depth]), [['a', 0], ['b', 0], ['c', 0]]);
  });

  test('every span appears exactly once, whatever the parent links (cycles, self-parents, duplicates)', () => {
    const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
    fc.assert(fc.property(fc.array(fc.record({ id: fc.constantFrom(...ids), parent: fc.constantFrom('', ...ids), start: fc.integer({ min: 0, max: 1000 }) }), { maxLength: 12 }), (specs) => {
      const spans = specs.map((item) => span(item.id, item.parent, item.start, 1));
      const rows = layoutWaterfall(spans).rows;
      assert.equal(rows.length, spans.length);
      assert.equal(new Set(rows.map((row) => row.span)).size, spans.length);
    }));
  });

  test('unix nanoseconds keep sub-millisecond precision past 2^53', () => {
    // A double holds unix ms to about 0.25 µs today; BigInt division keeps that, Number(nanos) would not.
    assert.equal(Math.round((nanosToMs('1764612345678901234') - 1764612345678) * 1000), 901);
    assert.ok(Number.isNaN(nanosToMs('12e3')));
  });

  test('span categories come from semantic-convention attributes', () => {
    assert.equal(spanCategory('CLIENT', { 'db.system': 'postgresql' }), 'db');
    assert.equal(categoryLabel('CLIENT', { 'db.system': 'postgresql' }), 'postgresql');
    assert.equal(spanCategory('PRODUCER', { 'messaging.system': 'rabbitmq' }), 'messaging');
    assert.equal(spanCategory('SERVER', { 'http.route': '/x' }), 'http');
    assert.equal(categoryLabel('SERVER', { 'http.route': '/x' }), 'HTTP');
    assert.equal(spanCategory('INTERNAL', {}), 'internal');
  });
});

describe('service map layout', () => {
  test('callers sit left of what they call, longest path decides the layer', () => {
    const { nodes } = layoutMap(['gateway', 'orders', 'payments'], [{ from: 'gateway', to: 'orders' }, { from: 'orders', to: 'payments' }, { from: 'gateway', to: 'payments' }, { from: 'payments', to: 'postgres' }]);
    assert.deepEqual(['gateway', 'orders', 'payments', 'postgres'].map((name) => nodes.get(name)!.layer), [0, 1, 2, 3]);
    assert.ok(nodes.get('gateway')!.x < nodes.get('orders')!.x);
  });

  test('a cycle still lays out every node, each in one place, none overlapping', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd', 'e'), fc.constantFrom('a', 'b', 'c', 'd', 'e')), { maxLength: 15 }), (pairs) => {
      const { nodes } = layoutMap([], pairs.map(([from, to]) => ({ from, to })));
      const names = new Set(pairs.flat());
      assert.equal(nodes.size, names.size);
      const places = new Set([...nodes.values()].map((node) => `${node.x},${node.y}`));
      assert.equal(places.size, nodes.size);
    }));
  });
});

describe('formats and colours', () => {
  test('durations pick a readable unit', () => {
    assert.deepEqual([0, 0.25, 4.567, 42.04, 412.6, 1840, 12_500, 125_000].map(formatDuration), ['0 ms', '250 µs', '4.57 ms', '42.0 ms', '413 ms', '1.84 s', '12.5 s', '2 min 5 s']);
  });

  test('rates, ratios and short IDs', () => {
    assert.equal(formatRate(0.01), '0.6/min');
    assert.equal(formatRate(1 / 3600), '1.0/h');
    assert.equal(formatRate(2.345), '2.35/s');
    assert.equal(formatPercent(0.057), '5.7 %');
    assert.equal(formatPercent(0), '0 %');
    assert.equal(shortId('4bf92f3577b34da6a3ce929d0e0e4736'), '4bf92f3577b3…');
    assert.equal(shortId('short'), 'short');
    assert.deepEqual([512, 81_920, 1024 ** 3, 5.5 * 1024 ** 3].map(formatBytes), ['512 B', '80 KiB', '1.0 GiB', '5.5 GiB']);
  });

  test('services shown together get distinct colours, the same ones on every call', () => {
    const names = ['gateway', 'orders', 'inventory', 'payments', 'notifier', 'svc-a', 'svc-b'];
    const colors = serviceColors(names);
    assert.equal(new Set(colors.values()).size, names.length);
    assert.deepEqual([...serviceColors([...names].reverse())].sort(), [...colors].sort());
  });
});
