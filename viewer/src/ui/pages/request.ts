// `/request/<trace or correlation ID>`: the waterfall across services, every service's log lines
// interleaved by time and tied to their spans, the details of what is selected, the route's RED charts
// around that moment and the alerts firing then.
import { ApiError, getJson, isAbort, type AlertJson, type LogJson, type RedJson, type RequestJson, type SpanJson } from '../api.ts';
import { hasTraffic, redCharts } from '../charts.ts';
import { serviceColors } from '../colors.ts';
import { durationCell, levelBadge, lineList, lineRow, pageHeader, serviceChip, statusBadge } from '../components.ts';
import { code, h, keyboardRows, link, notice } from '../dom.ts';
import { formatClock, formatDateTime, formatDuration } from '../format.ts';
import { go, type Page, type PageContext } from '../router.ts';
import { categoryLabel, layoutWaterfall, nanosToMs, spanCategory, type Waterfall } from '../waterfall-layout.ts';
import { alertsTable } from './alerts.ts';

const spanKey = (traceId: string, spanId: string): string => `${traceId}/${spanId}`;

function logTime(log: LogJson): number {
  return log.timeUnixNano !== undefined ? nanosToMs(log.timeUnixNano) : log.time;
}

/** A request just made may not be stored yet (exporters batch for a few seconds): ask again this often, this many times. */
const RETRY_MS = 2000;
const RETRIES = 15;

function render({ main, param, signal }: PageContext): void {
  main.append(notice('loading', `Loading request ${param}…`));
  let attempt = 0;
  const load = (): void => {
    getJson<RequestJson>(`/api/request/${encodeURIComponent(param)}`, {}, signal).then((answer) => {
      main.replaceChildren();
      show(main, param, answer, signal);
    }, (error: unknown) => {
      if (isAbort(error)) return;
      const missing = error instanceof ApiError && error.status === 404;
      const waiting = missing && ++attempt <= RETRIES;
      main.replaceChildren(pageHeader('Request', code(param)), missing
        ? notice(waiting ? 'loading' : 'empty', waiting ? 'Waiting for this request to arrive…' : 'No trace or log line has this ID.',
          h('p', null, 'Spans and log lines arrive in batches a few seconds after a request ends; the oldest data goes first once the store is full. '),
          h('p', null, 'Check the ID, or find the request by its service and time: ', link('/', 'search requests'), '.'),
          waiting ? null : h('button', { attrs: { type: 'button' }, on: { click: () => go(location.pathname, true) } }, 'Try again'))
        : notice('error', 'The request could not be loaded.', String(error instanceof Error ? error.message : error)));
      if (waiting) {
        const timer = setTimeout(load, RETRY_MS);
        signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
      }
    });
  };
  load();
}

function show(main: HTMLElement, id: string, answer: RequestJson, signal: AbortSignal): void {
  const spans = answer.traces.flatMap((trace) => trace.spans);
  const layout = layoutWaterfall(spans);
  const logs = [...answer.logs].sort((a, b) => logTime(a) - logTime(b) || a.id - b.id);
  const services = [...new Set([...spans.map((span) => span.service), ...logs.map((log) => log.service)])];
  const colors = serviceColors(services);
  const color = (service: string): string => colors.get(service) ?? '#5c7a99';
  const root = layout.rows.find((row) => row.depth === 0 && row.span.kind === 'SERVER')?.span ?? layout.rows[0]?.span;
  const startMs = spans.length > 0 ? layout.startMs : (logs[0] ? logTime(logs[0]) : Date.now());
  const endMs = spans.length > 0 ? layout.startMs + layout.totalMs : (logs.at(-1) ? logTime(logs.at(-1)!) : startMs);
  const errorSpans = spans.filter((span) => span.status.code === 'ERROR');
  const correlationId = root?.correlationId || logs.find((log) => log.correlation_id)?.correlation_id || '';

  const summary = h('dl', { class: 'summary' },
    ...[
      ['Started', h('span', { attrs: { title: new Date(startMs).toISOString() } }, formatDateTime(startMs))],
      ['Duration', durationCell(endMs - startMs, errorSpans.length > 0)],
      ['Status', root ? statusBadge(root.status.code === 'ERROR' || errorSpans.length > 0, root.httpStatus) : '–'],
      ['Spans', `${spans.length}${errorSpans.length > 0 ? ` (${errorSpans.length} with errors)` : ''}`],
      ['Log lines', String(logs.length)],
      ['Correlation ID', correlationId ? code(correlationId) : '–'],
      ['Traces', h('span', { class: 'ids' }, ...answer.traces.map((trace) => code(trace.traceId)))],
      ['Services', h('span', { class: 'chips' }, ...services.map((service) => serviceChip(service, color(service))))],
    ].map(([term, value]) => h('div', { class: term === 'Services' ? 'wide' : undefined }, h('dt', null, term as string), h('dd', null, value as Node))));

  const details = h('aside', { class: 'details', attrs: { 'aria-label': 'Selection', 'aria-live': 'polite' } }, h('p', { class: 'muted' }, 'Select a span or a log line to see its details.'));
  const spanRows = new Map<string, HTMLElement>();
  const logRows = new Map<number, HTMLElement>();
  const spansByKey = new Map(spans.map((span) => [spanKey(span.traceId, span.spanId), span]));
  const logsBySpan = new Map<string, LogJson[]>();
  for (const log of logs) {
    if (!log.span_id || !log.trace_id) continue;
    const key = spanKey(log.trace_id, log.span_id);
    const list = logsBySpan.get(key);
    if (list === undefined) logsBySpan.set(key, [log]);
    else list.push(log);
  }

  const clearMarks = (): void => {
    for (const element of main.querySelectorAll('.selected, .related')) {
      element.classList.remove('selected', 'related');
      element.removeAttribute('aria-selected');
    }
  };
  const mark = (element: HTMLElement | undefined, how: 'selected' | 'related', scroll: boolean): void => {
    if (element === undefined) return;
    element.classList.add(how);
    if (how === 'selected') element.setAttribute('aria-selected', 'true');
    if (scroll) element.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  };

  const selectSpan = (key: string): void => {
    const span = spansByKey.get(key);
    if (span === undefined) return;
    clearMarks();
    mark(spanRows.get(key), 'selected', false);
    const related = logsBySpan.get(key) ?? [];
    related.forEach((log, index) => mark(logRows.get(log.id), 'related', index === 0));
    details.replaceChildren(spanDetails(span, layout, related.length, color(span.service)));
  };
  const logsById = new Map(logs.map((log) => [log.id, log]));
  const selectLog = (logId: number): void => {
    const log = logsById.get(logId);
    if (log === undefined) return;
    clearMarks();
    mark(logRows.get(logId), 'selected', false);
    const key = spanKey(log.trace_id ?? '', log.span_id ?? '');
    mark(spanRows.get(key), 'related', true);
    details.replaceChildren(logDetails(log, spansByKey.get(key), () => selectSpan(key)));
  };

  const waterfall = waterfallView(layout, color, logsBySpan, spanRows, selectSpan);
  const logList = logsView(logs, startMs, color, spansByKey, logRows, selectLog);

  const rootLabel = root ? `${root.service} ${root.route || root.name}` : id;
  main.append(
    pageHeader('Request', h('span', { class: 'request-title' }, rootLabel), h('button', { class: 'link-button', attrs: { type: 'button', title: 'Spans and lines that arrived since' }, on: { click: () => go(location.pathname + location.search, true) } }, 'Refresh')),
    summary,
    h('div', { class: 'request-layout' },
      h('div', { class: 'request-main' },
        h('section', { class: 'panel', attrs: { 'aria-labelledby': 'waterfall-title' } }, h('h2', { attrs: { id: 'waterfall-title' } }, 'Trace'), waterfall),
        h('section', { class: 'panel', attrs: { 'aria-labelledby': 'logs-title' } }, h('h2', { attrs: { id: 'logs-title' } }, `Log lines (${logs.length})`), logList)),
      details));

  const context = h('section', { class: 'panel', attrs: { 'aria-labelledby': 'context-title' } }, h('h2', { attrs: { id: 'context-title' } }, root?.route ? `${root.service} ${root.route} around this request` : 'Around this request'));
  main.append(context);
  if (root !== undefined) metricsAround(context, root, startMs, endMs, signal);
  alertsAround(context, startMs, endMs, new Set(services), signal);
}

function waterfallView(layout: Waterfall<SpanJson>, color: (service: string) => string, logsBySpan: Map<string, LogJson[]>, rows: Map<string, HTMLElement>, select: (key: string) => void): HTMLElement {
  if (layout.rows.length === 0) return notice('empty', 'No spans for this request.', 'Its log lines are below. Spans need an OTLP trace exporter pointed at this viewer (OTEL_EXPORTER_OTLP_ENDPOINT).');
  const total = layout.totalMs > 0 ? layout.totalMs : 1;
  const percent = (ms: number): string => `${Math.min(100, Math.max(0, (ms / total) * 100))}%`;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((fraction) => {
    const tick = h('span', { class: 'tick' }, formatDuration(fraction * layout.totalMs));
    tick.style.left = `${fraction * 100}%`;
    return tick;
  });
  const body = h('div', { class: 'waterfall-rows', attrs: { role: 'list' } });
  for (const row of layout.rows) {
    const { span } = row;
    const key = spanKey(span.traceId, span.spanId);
    const error = span.status.code === 'ERROR';
    const category = spanCategory(span.kind, span.attributes);
    const label = h('div', { class: 'span-label' },
      h('span', { class: `category category-${category}` }, categoryLabel(span.kind, span.attributes)),
      h('span', { class: 'span-service' }, span.service),
      h('span', { class: 'span-name' }, span.name),
      error ? h('span', { class: 'error-mark', attrs: { title: span.status.message || 'error' } }, '!') : null);
    label.style.paddingLeft = `${0.5 + row.depth * 1.1}rem`;
    const bar = h('span', { class: `span-bar${error ? ' is-error' : ''}` });
    bar.style.left = percent(row.offsetMs);
    bar.style.width = `max(2px, ${percent(span.durationMs)})`;
    bar.style.backgroundColor = color(span.service);
    const duration = h('span', { class: 'span-duration' }, formatDuration(span.durationMs));
    duration.style.left = `calc(${percent(row.offsetMs + span.durationMs)} + 4px)`;
    const track = h('div', { class: 'span-track' }, bar, duration);
    for (const log of logsBySpan.get(key) ?? []) {
      const tickMark = h('span', { class: `log-tick${/^(error|fatal)$/i.test(log.level) ? ' is-error' : ''}` });
      tickMark.style.left = percent(logTime(log) - layout.startMs);
      track.append(tickMark);
    }
    const element = h('div', { class: `span-row${error ? ' is-error' : ''}`, attrs: { role: 'listitem', tabindex: 0, 'aria-label': `${span.service} ${span.name}, ${formatDuration(span.durationMs)}${error ? ', error' : ''}` }, data: { span: key } }, label, track);
    element.style.setProperty('--service', color(span.service));
    rows.set(key, element);
    body.append(element);
  }
  body.addEventListener('click', (event) => {
    const row = (event.target as Element).closest<HTMLElement>('.span-row');
    if (row !== null) select(row.dataset.span!);
  });
  keyboardRows(body, '.span-row', (row) => select(row.dataset.span!));
  return h('div', { class: 'waterfall' }, h('div', { class: 'waterfall-axis' }, h('div', { class: 'span-label muted small' }, 'Service · span'), h('div', { class: 'axis-ticks' }, ...ticks)), body);
}

/**
 * The request's lines as rows of a CSS grid rather than a table: a table lays out every row before it paints
 * (seconds for the 20,000 lines a request may carry), while `content-visibility: auto` rows off screen are skipped.
 */
function logsView(logs: LogJson[], startMs: number, color: (service: string) => string, spans: Map<string, SpanJson>, rows: Map<number, HTMLElement>, select: (id: number) => void): HTMLElement {
  if (logs.length === 0) return notice('empty', 'No log lines for this request.', 'Log lines join a request by trace_id or correlation_id: ship them with THREADLINE_LOKI_URL or an OTLP log exporter pointed at this viewer.');
  const list = lineList('Log lines of this request', ['Time', 'Service', 'Level', 'Message', 'Span'], 'logs-scroll');
  for (const log of logs) {
    const time = logTime(log);
    const span = spans.get(spanKey(log.trace_id ?? '', log.span_id ?? ''));
    const offset = time - startMs;
    const offsetText = h('span', { attrs: { title: formatClock(time) } }, `${offset >= 0 ? '+' : '−'}${formatDuration(Math.abs(offset))}`);
    const element = lineRow(log.id, log.level, [offsetText, serviceChip(log.service, color(log.service)), levelBadge(log.level), log.msg || log.line, span ? span.name : log.span_id ? `span ${log.span_id.slice(0, 8)}` : '—'], ['mono small nowrap', '', '', 'log-msg', 'muted small line-span']);
    rows.set(log.id, element);
    list.rows.append(element);
  }
  list.rows.addEventListener('click', (event) => {
    const row = (event.target as Element).closest<HTMLElement>('.log-row');
    if (row !== null) select(Number(row.dataset.log));
  });
  keyboardRows(list.rows, '.log-row', (row) => select(Number(row.dataset.log)));
  return list.element;
}

function keyValues(title: string, values: Record<string, unknown> | undefined): HTMLElement | null {
  const entries = Object.entries(values ?? {}).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return null;
  return h('section', null, h('h3', null, title), h('table', { class: 'kv' }, h('tbody', null, ...entries.map(([name, value]) =>
    h('tr', null, h('th', { attrs: { scope: 'row' } }, name), h('td', null, typeof value === 'string' ? value : JSON.stringify(value)))))));
}

function spanDetails(span: SpanJson, layout: Waterfall<SpanJson>, logCount: number, color: string): HTMLElement {
  const offset = nanosToMs(span.startTimeUnixNano) - layout.startMs;
  const error = span.status.code === 'ERROR';
  return h('div', { class: 'detail' },
    h('h2', null, span.name),
    h('p', null, serviceChip(span.service, color), ' ', h('span', { class: `category category-${spanCategory(span.kind, span.attributes)}` }, categoryLabel(span.kind, span.attributes)), ' ', h('span', { class: 'muted' }, span.kind)),
    error ? h('p', { class: 'error-text' }, `Error${span.status.message ? `: ${span.status.message}` : ''}`) : null,
    h('dl', { class: 'facts' },
      h('dt', null, 'Duration'), h('dd', null, formatDuration(span.durationMs)),
      h('dt', null, 'Starts at'), h('dd', null, `+${formatDuration(offset)}`),
      h('dt', null, 'Status'), h('dd', null, span.status.code),
      h('dt', null, 'Log lines'), h('dd', null, String(logCount)),
      h('dt', null, 'Span ID'), h('dd', null, code(span.spanId)),
      h('dt', null, 'Parent'), h('dd', null, span.parentSpanId ? code(span.parentSpanId) : 'none (root)'),
      h('dt', null, 'Trace ID'), h('dd', null, code(span.traceId))),
    keyValues('Attributes', span.attributes),
    keyValues('Resource', span.resource),
    span.events && span.events.length > 0 ? h('section', null, h('h3', null, 'Events'), h('ul', { class: 'events' }, ...span.events.map((event) =>
      h('li', null, h('strong', null, event.name), event.timeUnixNano ? h('span', { class: 'muted small' }, ` +${formatDuration(nanosToMs(event.timeUnixNano) - layout.startMs)}`) : null, keyValues('', event.attributes))))) : null);
}

function logDetails(log: LogJson, span: SpanJson | undefined, showSpan: () => void): HTMLElement {
  let pretty = log.line;
  try {
    pretty = JSON.stringify(JSON.parse(log.line), null, 2);
  } catch {
    // not JSON: shown as it came
  }
  return h('div', { class: 'detail' },
    h('h2', null, 'Log line'),
    h('p', null, serviceChip(log.service), ' ', levelBadge(log.level), ' ', h('span', { class: 'mono small' }, formatClock(logTime(log)))),
    h('p', { class: 'log-msg' }, log.msg),
    span ? h('p', null, 'Span: ', h('button', { class: 'link-button', attrs: { type: 'button' }, on: { click: showSpan } }, `${span.service} · ${span.name}`)) : h('p', { class: 'muted' }, log.span_id ? `Span ${log.span_id} was not received.` : 'Not tied to a span (no span_id).'),
    h('h3', null, 'Line as received'),
    h('pre', { class: 'raw' }, pretty));
}

const AROUND_MS = 15 * 60_000;

function metricsAround(container: HTMLElement, root: SpanJson, startMs: number, endMs: number, signal: AbortSignal): void {
  const slot = h('div', null, notice('loading', 'Loading metrics…'));
  container.append(slot);
  const params = { service: root.service, route: root.route || undefined, from: Math.floor(startMs - AROUND_MS), to: Math.ceil(Math.min(Date.now(), endMs + AROUND_MS)) };
  getJson<RedJson>('/api/metrics/red', params, signal).then((red) => {
    if (!hasTraffic(red)) {
      slot.replaceChildren(notice('empty', `No scraped metrics for ${root.service}${root.route ? ` ${root.route}` : ''} around this time.`, 'Start the viewer with --scrape host:port (the service\'s /metrics, 9464 for the agent) to see its rate, errors and latency here.'));
      return;
    }
    const charts = redCharts(red, { marker: startMs, height: 150, onExemplar: (traceId) => go(`/request/${encodeURIComponent(traceId)}`) });
    slot.replaceChildren(charts.element);
    signal.addEventListener('abort', () => charts.destroy(), { once: true });
  }, (error: unknown) => {
    if (isAbort(error)) return;
    slot.replaceChildren(notice('empty', 'Metrics are not available.', String(error instanceof Error ? error.message : error)));
  });
}

function alertsAround(container: HTMLElement, startMs: number, endMs: number, services: Set<string>, signal: AbortSignal): void {
  const slot = h('div', { class: 'alerts-around' });
  container.append(h('h3', null, 'Alerts firing then'), slot);
  getJson<{ alerts: AlertJson[] }>('/api/alerts', { from: Math.floor(startMs - AROUND_MS), to: Math.ceil(endMs + AROUND_MS) }, signal).then(({ alerts }) => {
    const firing = alerts.filter((alert) => alert.startsAt <= endMs && (alert.endsAt === null || alert.endsAt >= startMs));
    firing.sort((a, b) => Number(services.has(b.service)) - Number(services.has(a.service)) || b.startsAt - a.startsAt);
    slot.replaceChildren(firing.length === 0 ? h('p', { class: 'muted' }, 'No alert was firing during this request.') : alertsTable(firing, services));
  }, (error: unknown) => {
    if (isAbort(error)) return;
    slot.replaceChildren(h('p', { class: 'muted' }, `Alerts are not available: ${error instanceof Error ? error.message : String(error)}`));
  });
}

export const requestPage: Page = { tab: 'search', title: 'Request', render };
