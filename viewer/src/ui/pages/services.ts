// `/services`: every service seen in spans and logs; `/services/<name>`: its rate, error ratio and latency
// over time (whole service or one route), from the scraped RED histograms, with exemplars that open requests.
import { getJson, isAbort, routeName, type RedJson, type RouteEntry, type ServiceJson } from '../api.ts';
import { exemplarList, hasTraffic, redCharts } from '../charts.ts';
import { serviceColors } from '../colors.ts';
import { pageHeader, rangeFromQuery, RANGES, sendHint, serviceChip } from '../components.ts';
import { h, keyboardRows, link, notice } from '../dom.ts';
import { formatAgo, formatCount, formatDateTime } from '../format.ts';
import { go, type Page, type PageContext } from '../router.ts';

const servicePath = (name: string): string => `/services/${encodeURIComponent(name)}`;

/** A route with what it served, when the answer says: "/orders 540 · 2 err". */
function routeBadge(route: RouteEntry): HTMLElement {
  if (typeof route === 'string' || route.requests === undefined) return h('code', null, routeName(route));
  const errors = route.errors ?? 0;
  return h('span', { class: 'route-badge' }, h('code', null, route.route), h('span', { class: `muted small${errors > 0 ? ' error-text' : ''}` }, ` ${formatCount(route.requests)}${errors > 0 ? ` · ${formatCount(errors)} err` : ''}`));
}

function renderList({ main, signal }: PageContext): void {
  const slot = h('section', null, notice('loading', 'Loading services…'));
  main.append(pageHeader('Services', link('/map', 'Service map')), slot);
  getJson<{ services: ServiceJson[] }>('/api/services', {}, signal).then(({ services }) => {
    if (services.length === 0) {
      slot.replaceChildren(notice('empty', 'No services yet.', sendHint()));
      return;
    }
    const colors = serviceColors(services.map((service) => service.name));
    const now = Date.now();
    const body = h('tbody', null, ...[...services].sort((a, b) => a.name.localeCompare(b.name)).map((service) =>
      h('tr', { attrs: { tabindex: 0 }, data: { href: servicePath(service.name) } },
        h('td', null, link(servicePath(service.name), serviceChip(service.name, colors.get(service.name)))),
        h('td', { class: 'num' }, formatCount(service.spans)),
        h('td', { class: 'num' }, formatCount(service.logs)),
        h('td', { attrs: { title: formatDateTime(service.lastSeen) } }, formatAgo(service.lastSeen, now)),
        h('td', null, h('div', { class: 'routes-cell' }, ...service.routes.slice(0, 6).map((route) => routeBadge(route)), service.routes.length > 6 ? h('span', { class: 'muted small' }, ` +${service.routes.length - 6} more`) : null)))));
    keyboardRows(body, 'tr', (row) => go(row.dataset.href!));
    slot.replaceChildren(h('table', { class: 'grid services' }, h('thead', null, h('tr', null, h('th', null, 'Service'), h('th', { class: 'num' }, 'Spans'), h('th', { class: 'num' }, 'Log lines'), h('th', null, 'Last seen'), h('th', null, 'Routes'))), body));
  }, (error: unknown) => {
    if (isAbort(error)) return;
    slot.replaceChildren(notice('error', 'Services could not be loaded.', String(error instanceof Error ? error.message : error)));
  });
}

function renderService({ main, param: name, query, signal }: PageContext): void {
  const route = query.get('route') ?? '';
  const range = rangeFromQuery(query, 3_600_000);
  const here = (changes: Record<string, string | undefined>): string => {
    const next = new URLSearchParams(query);
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined || value === '') next.delete(key);
      else next.set(key, value);
    }
    if ('last' in changes) { next.delete('from'); next.delete('to'); }
    const search = next.toString();
    return `${servicePath(name)}${search ? `?${search}` : ''}`;
  };
  const routes = h('nav', { class: 'route-tabs', attrs: { 'aria-label': 'Routes' } }, h('a', { attrs: { href: here({ route: undefined }), 'aria-current': route === '' ? 'page' : undefined } }, 'All routes'));
  const presets = h('nav', { class: 'presets', attrs: { 'aria-label': 'Time range' } }, ...RANGES.map((preset) => link(here({ last: String(preset.ms) }), preset.label)));
  const charts = h('section', { class: 'panel' }, notice('loading', 'Loading metrics…'));
  main.append(pageHeader(name, link(`/?service=${encodeURIComponent(name)}`, 'Requests'), link(`/logs?service=${encodeURIComponent(name)}`, 'Logs')), h('div', { class: 'toolbar' }, routes, presets), charts);

  const addRoutes = (names: string[]): void => {
    const present = new Set([...routes.querySelectorAll('a')].map((anchor) => anchor.dataset.route));
    for (const item of [...new Set(names)].sort()) {
      if (present.has(item)) continue;
      routes.append(h('a', { attrs: { href: here({ route: item }), 'aria-current': item === route ? 'page' : undefined }, data: { route: item } }, item));
    }
  };
  getJson<{ services: ServiceJson[] }>('/api/services', {}, signal).then(({ services }) => addRoutes((services.find((service) => service.name === name)?.routes ?? []).map(routeName)), () => undefined);
  getJson<{ routes: RouteEntry[] }>('/api/metrics/routes', { service: name }, signal).then(({ routes: names }) => addRoutes(names.map(routeName)), () => undefined);

  getJson<RedJson>('/api/metrics/red', { service: name, route: route || undefined, from: range.from, to: range.to ?? Date.now() }, signal).then((red) => {
    charts.replaceChildren(h('h2', null, route ? `${route}: rate, errors, latency` : 'All routes: rate, errors, latency'));
    if (!hasTraffic(red)) {
      charts.append(notice('empty', 'No scraped metrics for this service in this range.', `Start the viewer with --scrape host:port (the agent serves /metrics on :9464) so it scrapes ${name}'s RED histograms.`));
      return;
    }
    const view = redCharts(red, { onExemplar: (traceId) => go(`/request/${encodeURIComponent(traceId)}`) });
    charts.append(view.element, exemplarList(red) ?? h('p', { class: 'muted' }, 'No exemplars in this range: they come with OpenMetrics scrapes of a traced service.'));
    signal.addEventListener('abort', () => view.destroy(), { once: true });
  }, (error: unknown) => {
    if (isAbort(error)) return;
    charts.replaceChildren(notice('error', 'Metrics could not be loaded.', String(error instanceof Error ? error.message : error)));
  });
}

export const servicesPage: Page = { tab: 'services', title: 'Services', render: renderList };
export const servicePage: Page = { tab: 'services', title: 'Service', render: renderService };
