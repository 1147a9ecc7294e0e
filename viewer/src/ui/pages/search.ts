// `/`: recent requests, newest first, with filters kept in the URL so a search can be linked to (the alerts
// page links here with a service and a time range). Errors and slow requests stand out.
import { getJson, isAbort, routeName, type SearchJson, type SearchRow, type ServiceJson } from '../api.ts';
import { durationCell, field, SLOW_MS, pageHeader, rangeFromQuery, rangeInputs, RANGES, select, sendHint, serviceChip, statusBadge } from '../components.ts';
import { h, keyboardRows, notice } from '../dom.ts';
import { formatAgo, formatDateTime, shortId } from '../format.ts';
import { go, type Page, type PageContext } from '../router.ts';
import { serviceColors } from '../colors.ts';

const FILTERS = ['service', 'route', 'status', 'minDurationMs', 'q'] as const;

function requestPath(row: SearchRow): string {
  return `/request/${encodeURIComponent(row.traceId)}`;
}

function render({ main, query, signal }: PageContext): void {
  const range = rangeFromQuery(query, undefined);
  const service = select('service', [['', 'All services']], query.get('service') ?? '');
  const route = h('input', { attrs: { name: 'route', placeholder: '/orders/:id', list: 'route-list', autocomplete: 'off' } });
  route.value = query.get('route') ?? '';
  const routes = h('datalist', { attrs: { id: 'route-list' } });
  const status = select('status', [['', 'Any status'], ['error', 'Errors'], ['5xx', '5xx'], ['4xx', '4xx'], ['ok', 'OK']], query.get('status') ?? '');
  const minDuration = h('input', { attrs: { name: 'minDurationMs', type: 'number', min: 0, step: 'any', placeholder: 'ms', inputmode: 'numeric' } });
  minDuration.value = query.get('minDurationMs') ?? '';
  const text = h('input', { attrs: { name: 'q', type: 'search', placeholder: 'words in log lines', autocomplete: 'off' } });
  text.value = query.get('q') ?? '';
  const times = rangeInputs(range);
  const presets = h('span', { class: 'presets' }, ...RANGES.map((preset) => h('button', { class: 'link-button', attrs: { type: 'button' }, on: { click: () => submit(preset.ms) } }, preset.label)));

  const form = h('form', { class: 'filters', attrs: { role: 'search' }, on: { submit: (event) => { event.preventDefault(); submit(); } } },
    field('Service', service),
    field('Route', route),
    field('Status', status),
    field('Min duration (ms)', minDuration),
    field('Log text', text),
    field('Time', h('span', { class: 'time-field' }, times.element, presets)),
    h('div', { class: 'filter-actions' }, h('button', { class: 'primary', attrs: { type: 'submit' } }, 'Search'), h('a', { attrs: { href: '/' }, class: 'link-button' }, 'Clear')),
    routes);

  function submit(lastMs?: number): void {
    const next = new URLSearchParams();
    const values: Record<(typeof FILTERS)[number], string> = { service: service.value, route: route.value.trim(), status: status.value, minDurationMs: minDuration.value, q: text.value.trim() };
    for (const name of FILTERS) if (values[name] !== '') next.set(name, values[name]);
    if (lastMs !== undefined) next.set('from', String(Date.now() - lastMs));
    else {
      const picked = times.read();
      if (picked.from !== undefined) next.set('from', String(picked.from));
      if (picked.to !== undefined) next.set('to', String(picked.to));
    }
    const search = next.toString();
    go(search === '' ? '/' : `/?${search}`);
  }

  const results = h('section', { class: 'results', attrs: { 'aria-live': 'polite' } }, notice('loading', 'Loading requests…'));
  main.append(pageHeader('Requests'), form, results);

  getJson<{ services: ServiceJson[] }>('/api/services', {}, signal).then(({ services }) => {
    for (const item of services) service.append(h('option', { attrs: { value: item.name } }, item.name));
    service.value = query.get('service') ?? '';
    const wanted = service.value;
    const names = new Set(services.filter((item) => wanted === '' || item.name === wanted).flatMap((item) => item.routes.map(routeName)));
    routes.replaceChildren(...[...names].sort().map((name) => h('option', { attrs: { value: name } })));
  }, () => undefined);

  const params = { service: query.get('service'), route: query.get('route'), status: query.get('status'), minDurationMs: query.get('minDurationMs'), q: query.get('q'), from: range.from, to: range.to, limit: 100 };
  const table = resultsTable();
  const filtered = FILTERS.some((name) => query.has(name)) || range.from !== undefined || range.to !== undefined;

  const load = (before: string | number | null): void => {
    getJson<SearchJson>('/api/search', { ...params, before }, signal).then((answer) => {
      if (before === null) results.replaceChildren();
      if (before === null && answer.requests.length === 0) {
        results.append(filtered ? notice('empty', 'No request matches these filters.', 'Widen the time range or clear a filter.') : notice('empty', 'No data yet.', sendHint()));
        return;
      }
      if (before === null) results.append(table.element);
      table.add(answer.requests);
      results.querySelector('.more')?.remove();
      if (answer.next !== null) results.append(h('button', { class: 'more', attrs: { type: 'button' }, on: { click: () => load(answer.next) } }, 'Older requests'));
    }, (error: unknown) => {
      if (isAbort(error)) return;
      results.replaceChildren(notice('error', 'The search failed.', String(error instanceof Error ? error.message : error)));
    });
  };
  load(null);
}

function resultsTable(): { element: HTMLElement; add(rows: SearchRow[]): void } {
  const body = h('tbody');
  const element = h('table', { class: 'grid requests' },
    h('thead', null, h('tr', null, h('th', null, 'Started'), h('th', null, 'Service'), h('th', null, 'Request'), h('th', null, 'Status'), h('th', { class: 'num' }, 'Duration'), h('th', { class: 'num' }, 'Spans'), h('th', null, 'Services'), h('th', { class: 'nowrap' }, 'Correlation ID'))),
    body);
  keyboardRows(body, 'tr', (row) => go(row.dataset.href!));
  body.addEventListener('click', (event) => {
    const row = (event.target as Element).closest('tr');
    if (row !== null && (event.target as Element).closest('a') === null) go(row.dataset.href!);
  });
  const now = Date.now();
  return {
    element,
    add(rows) {
      const colors = serviceColors(rows.flatMap((row) => row.services));
      for (const row of rows) {
        const href = requestPath(row);
        body.append(h('tr', { class: `${row.error ? 'is-error' : ''}${row.durationMs >= SLOW_MS ? ' is-slow' : ''}`, attrs: { tabindex: 0 }, data: { href } },
          h('td', { class: 'nowrap', attrs: { title: formatDateTime(row.start) } }, formatAgo(row.start, now)),
          h('td', null, serviceChip(row.service, colors.get(row.service))),
          h('td', { class: 'request-name' }, h('a', { attrs: { href } }, row.route || row.name), row.route && !row.name.endsWith(row.route) ? h('span', { class: 'muted small' }, ` ${row.name}`) : null),
          h('td', null, statusBadge(row.error, row.httpStatus), row.errorSpans > 0 ? h('span', { class: 'muted small' }, ` ${row.errorSpans} error span${row.errorSpans === 1 ? '' : 's'}`) : null),
          h('td', { class: 'num' }, durationCell(row.durationMs, row.error)),
          h('td', { class: 'num' }, String(row.spanCount)),
          h('td', null, h('div', { class: 'chips' }, ...row.services.map((name) => serviceChip(name, colors.get(name))))),
          h('td', { class: 'mono small', attrs: { title: row.correlationId ?? undefined } }, shortId(row.correlationId || '–', 18))));
      }
    },
  };
}

export const searchPage: Page = { tab: 'search', title: 'Requests', render };
