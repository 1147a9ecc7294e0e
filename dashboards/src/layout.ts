// Explicit panel placement. The SDK's automatic layout wraps only after a row
// overflows and re-positions any panel left at (0,0), so every panel here gets
// its gridPos (and a stable id) from this one place instead.
import type { Builder } from '@grafana/grafana-foundation-sdk/cog';
import { RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import type { DashboardBuilder, GridPos, Panel } from '@grafana/grafana-foundation-sdk/dashboard';

export const GRID_WIDTH = 24;

export interface Placeable extends Builder<Panel> {
  gridPos(gridPos: GridPos): this;
  id(id: number): this;
}

// A cell is [width, panel]; widths on one line must add up to at most 24.
export type Cell = readonly [number, Placeable];

type Item = { kind: 'row'; row: RowBuilder } | { kind: 'panel'; panel: Placeable };

export class Grid {
  private y = 0;
  private nextId = 1;
  private readonly items: Item[] = [];

  // A section header; panels below it belong to it until the next section.
  section(title: string): this {
    const row = new RowBuilder(title).collapsed(false).id(this.nextId++).gridPos({ x: 0, y: this.y, w: GRID_WIDTH, h: 1 });
    this.items.push({ kind: 'row', row });
    this.y += 1;
    return this;
  }

  // One line of panels, left to right, all of the same height.
  line(height: number, ...cells: Cell[]): this {
    const width = cells.reduce((sum, [w]) => sum + w, 0);
    if (width > GRID_WIDTH) {
      throw new Error(`a line of ${cells.length} panels is ${width} columns wide; the grid has ${GRID_WIDTH}`);
    }
    let x = 0;
    for (const [w, panel] of cells) {
      panel.gridPos({ x, y: this.y, w, h: height }).id(this.nextId++);
      this.items.push({ kind: 'panel', panel });
      x += w;
    }
    this.y += height;
    return this;
  }

  applyTo(dashboard: DashboardBuilder): DashboardBuilder {
    for (const item of this.items) {
      if (item.kind === 'row') {
        dashboard.withRow(item.row);
      } else {
        dashboard.withPanel(item.panel);
      }
    }
    return dashboard;
  }
}
