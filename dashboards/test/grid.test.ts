// The layout helper is what keeps panels inside the grid; it must refuse a line that cannot fit.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder } from '@grafana/grafana-foundation-sdk/text';
import { Grid } from '../src/layout.ts';

test('a line wider than 24 columns is refused', () => {
  assert.throws(() => new Grid().line(4, [12, new PanelBuilder()], [13, new PanelBuilder()]), /25 columns wide/);
});

test('lines stack below each other and sections take one row', () => {
  const built = new Grid()
    .line(4, [12, new PanelBuilder().title('a')], [12, new PanelBuilder().title('b')])
    .section('s')
    .line(6, [24, new PanelBuilder().title('c')])
    .applyTo(new DashboardBuilder('t'))
    .build();
  const positions = (built.panels ?? []).map((p) => [p.title, p.gridPos]);
  assert.deepEqual(positions, [
    ['a', { x: 0, y: 0, w: 12, h: 4 }],
    ['b', { x: 12, y: 0, w: 12, h: 4 }],
    ['s', { x: 0, y: 4, w: 24, h: 1 }],
    ['c', { x: 0, y: 5, w: 24, h: 6 }],
  ]);
});
