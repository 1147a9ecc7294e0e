// RED charts with uPlot: request rate, error ratio, and p50/p95/p99 latency with exemplars as points that
// open their request. uPlot sizes itself from script (element.style), which the page's CSP allows.
import uPlot from 'uplot';
import type { RedJson } from './api.ts';
import { h } from './dom.ts';
import { formatDuration, formatPercent, formatRate } from './format.ts';
import { ERROR_COLOR } from './colors.ts';

export interface ChartOptions {
  /** A moment to mark with a vertical line (unix ms): the request the page is about. */
  readonly marker?: number;
  readonly height?: number;
  readonly onExemplar?: (traceId: string) => void;
}

const LATENCY_COLORS = ['#2f9e6e', '#d9822b', '#c2417a'] as const;
const AXIS = { stroke: '#5b6573', grid: { stroke: '#e6e9ee', width: 1 }, ticks: { stroke: '#d5dae1', width: 1 }, font: '11px system-ui, sans-serif' };

function markerPlugin(marker: number | undefined): uPlot.Plugin {
  return {
    hooks: {
      draw: (u) => {
        if (marker === undefined) return;
        const x = u.valToPos(marker / 1000, 'x', true);
        if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) return;
        const { ctx } = u;
        ctx.save();
        ctx.strokeStyle = '#1d2430';
        ctx.setLineDash([4, 3]);
        ctx.lineWidth = Math.max(1, devicePixelRatio);
        ctx.beginPath();
        ctx.moveTo(x, u.bbox.top);
        ctx.lineTo(x, u.bbox.top + u.bbox.height);
        ctx.stroke();
        ctx.restore();
      },
    },
  };
}

interface ChartSpec {
  title: string;
  series: uPlot.Series[];
  data: uPlot.AlignedData;
  value: (value: number) => string;
  plugins?: uPlot.Plugin[];
  range?: uPlot.Scale.Range;
}

function chart(spec: ChartSpec, options: ChartOptions, charts: uPlot[]): HTMLElement {
  const box = h('div', { class: 'chart-plot' });
  const figure = h('figure', { class: 'chart' }, h('figcaption', null, spec.title), box);
  const plot = new uPlot({
    width: 400,
    height: options.height ?? 170,
    plugins: [markerPlugin(options.marker), ...(spec.plugins ?? [])],
    cursor: { sync: { key: 'red' }, points: { size: 6 } },
    legend: { live: true },
    scales: { x: { time: true }, y: { range: spec.range ?? ((_u, _min, max) => [0, max > 0 ? max * 1.1 : 1]) } },
    axes: [{ ...AXIS }, { ...AXIS, size: 64, values: (_u, ticks) => ticks.map((tick) => spec.value(tick)) }],
    series: [{ value: (_u, value) => (value === null ? '–' : new Date(value * 1000).toLocaleTimeString()) }, ...spec.series.map((series) => ({ ...series, value: (_u: uPlot, value: number | null) => (value === null ? '–' : spec.value(value)) }))],
  }, spec.data, box);
  charts.push(plot);
  return figure;
}

/** Whether any point saw a request: a window the scraper never covered comes back as zeros and nulls. */
export function hasTraffic(red: RedJson): boolean {
  return red.points.some((point) => point.rate > 0 || point.p50 !== null) || red.exemplars.length > 0;
}

/** Three charts side by side for one service or route; resized with their container. */
export function redCharts(red: RedJson, options: ChartOptions = {}): { element: HTMLElement; destroy(): void } {
  const charts: uPlot[] = [];
  const points = [...red.points].sort((a, b) => a.t - b.t);
  const exemplars = [...red.exemplars].sort((a, b) => a.t - b.t);
  const times = points.map((point) => point.t / 1000);
  const orNull = (value: number | null | undefined): number | null => (value === null || value === undefined || !Number.isFinite(value) ? null : value);

  // Exemplars sit at their own times, so the latency chart's x values are the union of both.
  const latencyTimes = [...new Set([...times, ...exemplars.map((exemplar) => exemplar.t / 1000)])].sort((a, b) => a - b);
  const at = new Map(points.map((point) => [point.t / 1000, point]));
  const exemplarAt = new Map(exemplars.map((exemplar) => [exemplar.t / 1000, exemplar]));
  const ms = (seconds: number | null | undefined): number | null => { const value = orNull(seconds); return value === null ? null : value * 1000; };
  const latency: uPlot.AlignedData = [
    latencyTimes,
    latencyTimes.map((t) => ms(at.get(t)?.p50)),
    latencyTimes.map((t) => ms(at.get(t)?.p95)),
    latencyTimes.map((t) => ms(at.get(t)?.p99)),
    latencyTimes.map((t) => ms(exemplarAt.get(t)?.value)),
  ];

  const exemplarClicks: uPlot.Plugin = {
    hooks: {
      ready: (u) => {
        if (options.onExemplar === undefined) return;
        u.over.addEventListener('click', (event) => {
          const rect = u.over.getBoundingClientRect();
          const x = event.clientX - rect.left;
          const y = event.clientY - rect.top;
          let best: { traceId: string; distance: number } | undefined;
          for (const exemplar of exemplars) {
            const dx = u.valToPos(exemplar.t / 1000, 'x') - x;
            const dy = u.valToPos(exemplar.value * 1000, 'y') - y;
            const distance = Math.hypot(dx, dy);
            if (distance < 12 && (best === undefined || distance < best.distance)) best = { traceId: exemplar.traceId, distance };
          }
          if (best !== undefined) options.onExemplar!(best.traceId);
        });
      },
    },
  };

  const element = h('div', { class: 'charts' },
    chart({ title: 'Requests per second', series: [{ label: 'rate', stroke: '#3b6fd4', fill: 'rgba(59,111,212,0.12)', width: 1.5, spanGaps: false }], data: [times, points.map((point) => orNull(point.rate))], value: formatRate }, options, charts),
    chart({ title: 'Error ratio', series: [{ label: 'errors', stroke: ERROR_COLOR, fill: 'rgba(198,40,40,0.10)', width: 1.5 }], data: [times, points.map((point) => orNull(point.errorRatio))], value: formatPercent, range: (_u, _min, max) => [0, Math.max(0.05, max * 1.1)] }, options, charts),
    chart({
      title: 'Latency (exemplars: click to open)',
      series: [
        ...(['p50', 'p95', 'p99'] as const).map((label, index) => ({ label, stroke: LATENCY_COLORS[index], width: 1.5, spanGaps: true })),
        { label: 'exemplar', stroke: '#1d2430', fill: '#ffffff', paths: () => null, points: { show: true, size: 8, width: 2, stroke: '#1d2430', fill: '#ffd54f' } },
      ],
      data: latency,
      value: formatDuration,
      plugins: [exemplarClicks],
    }, options, charts));

  const observer = new ResizeObserver(() => {
    for (const plot of charts) {
      const width = plot.root.parentElement?.clientWidth ?? 0;
      if (width > 0 && Math.abs(width - plot.width) > 1) plot.setSize({ width, height: plot.height });
    }
  });
  observer.observe(element);
  return {
    element,
    destroy: () => {
      observer.disconnect();
      for (const plot of charts) plot.destroy();
    },
  };
}

/** The exemplars as links, slowest first: the keyboard's way to the same requests. */
export function exemplarList(red: RedJson, limit = 8): HTMLElement | null {
  if (red.exemplars.length === 0) return null;
  const slowest = [...red.exemplars].sort((a, b) => b.value - a.value).slice(0, limit);
  return h('div', { class: 'exemplars' }, h('h3', null, 'Slowest exemplars'), h('ul', null, ...slowest.map((exemplar) =>
    h('li', null, h('a', { attrs: { href: `/request/${encodeURIComponent(exemplar.traceId)}` } }, formatDuration(exemplar.value * 1000)), h('span', { class: 'muted small' }, ` ${new Date(exemplar.t).toLocaleTimeString()} · trace ${exemplar.traceId.slice(0, 12)}…`)))));
}
