// Small pieces several pages share: service chips, status and level badges, the time range picker.
import { h } from './dom.ts';
import { formatDuration, fromLocalInput, toLocalInput } from './format.ts';
import { serviceColor } from './colors.ts';

export function serviceChip(name: string, color = serviceColor(name)): HTMLElement {
  const swatch = h('span', { class: 'swatch', attrs: { 'aria-hidden': 'true' } });
  swatch.style.backgroundColor = color;
  return h('span', { class: 'service-chip', attrs: { title: name } }, swatch, name);
}

export function statusBadge(error: boolean, httpStatus: number | null | undefined): HTMLElement {
  const text = httpStatus ? String(httpStatus) : error ? 'error' : 'ok';
  return h('span', { class: `badge ${error ? 'badge-error' : httpStatus && httpStatus >= 400 ? 'badge-warn' : 'badge-ok'}` }, text);
}

const LEVELS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);

export function levelBadge(level: string): HTMLElement {
  const name = level.toLowerCase();
  return h('span', { class: `level level-${LEVELS.has(name) ? name : 'other'}` }, level || '–');
}

/** Durations at or above this are "slow" wherever a list marks them. */
export const SLOW_MS = 1000;

export function durationCell(ms: number, error: boolean): HTMLElement {
  return h('span', { class: `duration${ms >= SLOW_MS ? ' slow' : ''}${error ? ' has-error' : ''}` }, formatDuration(ms));
}

export const RANGES = [
  { label: '15 min', ms: 15 * 60_000 },
  { label: '1 h', ms: 3_600_000 },
  { label: '6 h', ms: 6 * 3_600_000 },
  { label: '24 h', ms: 86_400_000 },
  { label: '7 d', ms: 7 * 86_400_000 },
] as const;

export interface TimeRange {
  from: number | undefined;
  to: number | undefined;
}

/** `from`/`to` from a page's query string (unix ms), `last=<ms>` as a range ending now. */
export function rangeFromQuery(query: URLSearchParams, defaultLastMs: number | undefined, now = Date.now()): TimeRange {
  const number = (name: string): number | undefined => {
    const value = query.get(name);
    if (value === null || value === '') return undefined;
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : undefined;
  };
  const from = number('from');
  const to = number('to');
  if (from !== undefined || to !== undefined) return { from, to };
  const last = number('last') ?? defaultLastMs;
  return last === undefined ? { from: undefined, to: undefined } : { from: now - last, to: undefined };
}

/** Two datetime-local inputs; `read()` gives unix ms. */
export function rangeInputs(range: TimeRange): { element: HTMLElement; read(): TimeRange } {
  const from = h('input', { attrs: { type: 'datetime-local', name: 'from', 'aria-label': 'From' } });
  const to = h('input', { attrs: { type: 'datetime-local', name: 'to', 'aria-label': 'To' } });
  if (range.from !== undefined) from.value = toLocalInput(range.from);
  if (range.to !== undefined) to.value = toLocalInput(range.to);
  return {
    element: h('span', { class: 'range-inputs' }, from, h('span', { class: 'muted' }, '–'), to),
    read: () => ({ from: fromLocalInput(from.value), to: fromLocalInput(to.value) }),
  };
}

export function field(label: string, control: HTMLElement): HTMLElement {
  return h('label', { class: 'field' }, h('span', { class: 'field-label' }, label), control);
}

export function select(name: string, options: readonly (readonly [value: string, label: string])[], value: string): HTMLSelectElement {
  const element = h('select', { attrs: { name } }, ...options.map(([optionValue, label]) => h('option', { attrs: { value: optionValue } }, label)));
  element.value = options.some(([optionValue]) => optionValue === value) ? value : (options[0]?.[0] ?? '');
  return element;
}

export function pageHeader(title: string, ...extra: (Node | string | null)[]): HTMLElement {
  return h('div', { class: 'page-header' }, h('h1', null, title), ...extra);
}

/** The hint every empty page gives: how to send telemetry here. */
export function sendHint(): HTMLElement {
  const origin = location.origin;
  return h('div', { class: 'hint' },
    h('p', null, 'Point a service at this viewer:'),
    h('pre', null, `OTEL_EXPORTER_OTLP_ENDPOINT=${origin}\nTHREADLINE_LOKI_URL=${origin}`),
    h('p', null, 'With the Threadline agent: ', h('code', null, 'node --import @threadline/agent/register server.mjs'), '. Any OpenTelemetry SDK with the OTLP/HTTP exporter lands here too.'));
}

/**
 * A scrolling list of log lines as CSS-grid rows, not a table: a table lays out every row again when rows
 * are added, while rows with `content-visibility: auto` off screen are skipped. `rows` takes the lines.
 */
export function lineList(label: string, headers: readonly string[], extraClass = ''): { element: HTMLElement; rows: HTMLElement } {
  const rows = h('div', { class: 'line-rows', attrs: { role: 'rowgroup' } });
  const header = h('div', { class: 'line-row line-head', attrs: { role: 'row' } }, ...headers.map((name) => h('span', { attrs: { role: 'columnheader' } }, name)));
  return { element: h('div', { class: `lines ${extraClass}`, attrs: { role: 'table', 'aria-label': label, tabindex: -1 } }, header, rows), rows };
}

/** One line of a lineList: focusable, its level as a class, its cells in column order. */
export function lineRow(id: number, level: string, cells: readonly (Node | string)[], cellClasses: readonly string[] = []): HTMLElement {
  return h('div', { class: `line-row log-row level-row-${level.toLowerCase()}`, attrs: { role: 'row', tabindex: 0 }, data: { log: String(id) } },
    ...cells.map((cell, index) => h('span', { class: cellClasses[index] || undefined, attrs: { role: 'cell' } }, cell)));
}
