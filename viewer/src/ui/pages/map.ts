// `/map`: services and the databases and queues they use, from the spans of the chosen time range; each
// edge shows its call rate, errors and p95. Drawn as SVG elements made with DOM calls (no markup strings).
import { getJson, isAbort, type MapJson } from '../api.ts';
import { serviceColors } from '../colors.ts';
import { pageHeader, rangeFromQuery, RANGES, sendHint } from '../components.ts';
import { h, link, notice, svg } from '../dom.ts';
import { formatDuration, formatPercent, formatRate } from '../format.ts';
import { go, type Page, type PageContext } from '../router.ts';
import { layoutMap } from '../map-layout.ts';

const NODE_WIDTH = 170;
const NODE_HEIGHT = 44;

function render({ main, query, signal }: PageContext): void {
  const range = rangeFromQuery(query, 3_600_000);
  const presets = h('nav', { class: 'presets', attrs: { 'aria-label': 'Time range' } }, ...RANGES.map((preset) => link(`/map?last=${preset.ms}`, preset.label)));
  const slot = h('section', { class: 'panel map-panel' }, notice('loading', 'Loading the service map…'));
  main.append(pageHeader('Service map', presets), slot);
  getJson<MapJson>('/api/map', { from: range.from, to: range.to }, signal).then((map) => {
    if (map.nodes.length === 0 && map.edges.length === 0) {
      slot.replaceChildren(notice('empty', 'No calls between services in this range.', 'The map is built from client and server spans: services need to send traces here.', sendHint()));
      return;
    }
    slot.replaceChildren(drawMap(map), legend());
  }, (error: unknown) => {
    if (isAbort(error)) return;
    slot.replaceChildren(notice('error', 'The service map could not be loaded.', String(error instanceof Error ? error.message : error)));
  });
}

function legend(): HTMLElement {
  return h('p', { class: 'muted small map-legend' }, 'Edges: calls per second, calls, error ratio. Red edges had errors. Rounded boxes are services (click one for its charts), square ones databases and queues.');
}

function drawMap(map: MapJson): SVGSVGElement {
  const names = [...new Set([...map.nodes.map((node) => node.service), ...map.edges.flatMap((edge) => [edge.from, edge.to])])];
  // Databases (and queues named by their system) are what db edges point at and that call nothing.
  const callers = new Set(map.edges.map((edge) => edge.from));
  const stores = new Set(map.edges.filter((edge) => edge.kind === 'db' && !callers.has(edge.to)).map((edge) => edge.to));
  const services = new Set(names.filter((name) => !stores.has(name)));
  const layout = layoutMap(names, map.edges, { columnWidth: NODE_WIDTH + 200, rowHeight: NODE_HEIGHT + 56, margin: 24 });
  const colors = serviceColors(names);
  const width = layout.width + NODE_WIDTH;
  const height = layout.height + NODE_HEIGHT;
  const root = svg('svg', { class: 'service-map', viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': `Service map: ${names.length} nodes, ${map.edges.length} edges` },
    svg('defs', {},
      svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, svg('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrow' })),
      svg('marker', { id: 'arrow-error', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, svg('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrow arrow-error' }))));

  const labels: SVGGElement[] = [];
  for (const edge of map.edges) {
    const from = layout.nodes.get(edge.from)!;
    const to = layout.nodes.get(edge.to)!;
    const error = edge.errors > 0;
    let d: string;
    let labelX: number;
    let labelY: number;
    if (to.layer > from.layer) {
      const x1 = from.x + NODE_WIDTH;
      const y1 = from.y + NODE_HEIGHT / 2;
      const x2 = to.x;
      const y2 = to.y + NODE_HEIGHT / 2;
      const bend = (x2 - x1) / 2;
      d = `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`;
      labelX = (x1 + x2) / 2;
      labelY = (y1 + y2) / 2 - 6;
    } else {
      // A call back to an earlier (or the same) layer loops above the boxes.
      const x1 = from.x + NODE_WIDTH / 2;
      const x2 = to.x + NODE_WIDTH / 2;
      const top = Math.min(from.y, to.y) - 18;
      d = `M${x1},${from.y} C${x1},${top} ${x2},${top} ${x2},${to.y}`;
      labelX = (x1 + x2) / 2;
      labelY = top - 2;
    }
    const ratio = edge.calls > 0 ? edge.errors / edge.calls : 0;
    const p95 = edge.p95Ms === undefined ? '' : ` · p95 ${formatDuration(edge.p95Ms)}`;
    const edgeClass = `edge edge-${edge.kind}${error ? ' has-error' : ''}`;
    root.append(svg('g', { class: edgeClass },
      svg('title', {}, `${edge.from} → ${edge.to} (${edge.kind}): ${edge.calls} calls, ${edge.errors} errors${p95}`),
      svg('path', { d, 'marker-end': `url(#${error ? 'arrow-error' : 'arrow'})` })));
    // Labels go on top of the boxes, drawn after them, so an edge passing under a box keeps its label.
    labels.push(svg('g', { class: edgeClass }, svg('text', { x: labelX, y: labelY - 18, 'text-anchor': 'middle', class: 'edge-label' },
        svg('tspan', { x: labelX, dy: 0 }, `${edge.kind} · ${formatRate(edge.rate)}`),
        svg('tspan', { x: labelX, dy: 13 }, `${edge.calls} call${edge.calls === 1 ? '' : 's'}${error ? ` · ${formatPercent(ratio)} err` : ''}${p95}`))));
  }

  for (const node of layout.nodes.values()) {
    const service = services.has(node.name);
    const box = svg('rect', { x: node.x, y: node.y, width: NODE_WIDTH, height: NODE_HEIGHT, rx: service ? 10 : 2, class: service ? 'node-box' : 'node-box node-store' });
    const stripe = svg('rect', { x: node.x, y: node.y, width: 6, height: NODE_HEIGHT, class: 'node-stripe' });
    stripe.style.fill = colors.get(node.name) ?? '#5c7a99';
    const label = svg('text', { x: node.x + 16, y: node.y + NODE_HEIGHT / 2 + 5, class: 'node-label' }, node.name.length > 22 ? `${node.name.slice(0, 21)}…` : node.name);
    const group = svg('g', { class: `node${service ? ' node-service' : ''}`, tabindex: service ? 0 : undefined, role: service ? 'link' : undefined, 'aria-label': node.name, 'data-node': node.name }, svg('title', {}, node.name), box, stripe, label);
    if (service) {
      const open = (): void => go(`/services/${encodeURIComponent(node.name)}`);
      group.addEventListener('click', open);
      group.addEventListener('keydown', (event) => { if (event.key === 'Enter') open(); });
    }
    root.append(group);
  }
  root.append(...labels);
  return root;
}

export const mapPage: Page = { tab: 'map', title: 'Service map', render };
