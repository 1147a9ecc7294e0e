// Grafana's grid is 24 columns wide; a panel past it or on top of another renders broken.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GridPos } from './support.ts';
import { allPanels, loadDashboards } from './support.ts';

const overlap = (a: GridPos, b: GridPos): boolean => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

for (const [file, dashboard] of loadDashboards()) {
  test(`${file}: every panel is placed inside the 24-column grid`, () => {
    for (const panel of allPanels(dashboard)) {
      const pos = panel.gridPos;
      assert.ok(pos, `${panel.title ?? panel.type} has no gridPos`);
      const name = `${panel.title ?? panel.type} at ${JSON.stringify(pos)}`;
      for (const n of [pos.x, pos.y, pos.w, pos.h]) assert.ok(Number.isInteger(n), `${name}: not integers`);
      assert.ok(pos.x >= 0 && pos.y >= 0, `${name}: negative position`);
      assert.ok(pos.w >= 1 && pos.h >= 1, `${name}: empty size`);
      assert.ok(pos.x + pos.w <= 24, `${name}: overflows the grid`);
    }
  });

  test(`${file}: no two panels overlap and ids are unique`, () => {
    const panels = allPanels(dashboard);
    for (const [i, a] of panels.entries()) {
      for (const b of panels.slice(i + 1)) {
        if (a.gridPos && b.gridPos) {
          assert.ok(!overlap(a.gridPos, b.gridPos), `${a.title ?? a.type} overlaps ${b.title ?? b.type}`);
        }
      }
    }
    const ids = panels.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length, 'duplicate panel ids');
  });
}
