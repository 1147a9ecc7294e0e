// `/alerts`: what the Alertmanager webhook delivered, newest first, each linked to the requests of its
// service around its time.
import { getJson, isAbort, type AlertJson } from '../api.ts';
import { pageHeader, rangeFromQuery, RANGES, serviceChip } from '../components.ts';
import { code, h, link, notice } from '../dom.ts';
import { formatDateTime, formatDuration } from '../format.ts';
import type { Page, PageContext } from '../router.ts';

const AROUND_MS = 5 * 60_000;

/** The search page for the alert's service from a little before it started to a little after it ended. */
export function searchAroundAlert(alert: AlertJson, now = Date.now()): string {
  const query = new URLSearchParams();
  if (alert.service) query.set('service', alert.service);
  query.set('from', String(alert.startsAt - AROUND_MS));
  query.set('to', String(Math.min(now, (alert.endsAt ?? now) + AROUND_MS)));
  return `/?${query.toString()}`;
}

/** Only http(s) links from alert sources: a `javascript:` generator URL would run on click. */
function safeExternal(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

export function alertsTable(alerts: AlertJson[], highlight: Set<string> = new Set()): HTMLElement {
  const now = Date.now();
  return h('table', { class: 'grid alerts' },
    h('thead', null, h('tr', null, h('th', null, 'Status'), h('th', null, 'Alert'), h('th', null, 'Service'), h('th', null, 'Severity'), h('th', null, 'Started'), h('th', null, 'Lasted'), h('th', null, 'Summary'), h('th', null, ''))),
    h('tbody', null, ...alerts.map((alert) => {
      const source = safeExternal(alert.generatorURL);
      const summary = alert.annotations.summary ?? alert.annotations.description ?? '';
      return h('tr', { class: `${alert.status === 'firing' ? 'is-error' : ''}${highlight.has(alert.service) ? ' is-related' : ''}` },
        h('td', null, h('span', { class: `badge ${alert.status === 'firing' ? 'badge-error' : 'badge-muted'}` }, alert.status)),
        h('td', null, h('strong', null, alert.alertname), h('div', { class: 'muted small labels' }, ...Object.entries(alert.labels).filter(([name]) => !['alertname', 'service', 'severity'].includes(name)).map(([name, value]) => code(`${name}=${value}`)))),
        h('td', null, alert.service ? serviceChip(alert.service) : '–'),
        h('td', null, alert.severity || '–'),
        h('td', { class: 'nowrap' }, formatDateTime(alert.startsAt)),
        h('td', { class: 'nowrap' }, alert.endsAt === null ? `${formatDuration(now - alert.startsAt)} so far` : formatDuration(alert.endsAt - alert.startsAt)),
        h('td', null, summary),
        h('td', { class: 'nowrap' }, link(searchAroundAlert(alert, now), 'Requests then'), source ? h('span', null, ' · ', h('a', { attrs: { href: source, rel: 'noreferrer noopener', target: '_blank' } }, 'Source')) : null));
    })));
}

function render({ main, query, signal }: PageContext): void {
  const range = rangeFromQuery(query, 86_400_000);
  const presets = h('nav', { class: 'presets', attrs: { 'aria-label': 'Time range' } }, ...RANGES.map((preset) => link(`/alerts?last=${preset.ms}`, preset.label)));
  const slot = h('section', null, notice('loading', 'Loading alerts…'));
  main.append(pageHeader('Alerts', presets), slot);
  getJson<{ alerts: AlertJson[] }>('/api/alerts', { from: range.from, to: range.to }, signal).then(({ alerts }) => {
    if (alerts.length === 0) {
      slot.replaceChildren(notice('empty', 'No alerts in this time range.', h('p', null, 'Alertmanager delivers here with a webhook receiver:'), h('pre', null, `receivers:\n  - name: threadline-viewer\n    webhook_configs:\n      - url: ${location.origin}/api/alertmanager`)));
      return;
    }
    const sorted = [...alerts].sort((a, b) => Number(b.status === 'firing') - Number(a.status === 'firing') || b.startsAt - a.startsAt);
    slot.replaceChildren(alertsTable(sorted));
  }, (error: unknown) => {
    if (isAbort(error)) return;
    slot.replaceChildren(notice('error', 'Alerts could not be loaded.', String(error instanceof Error ? error.message : error)));
  });
}

export const alertsPage: Page = { tab: 'alerts', title: 'Alerts', render };
