// `/logs`: a live tail. The first call takes the newest lines, then every second asks for lines after the
// last ID seen; changing a filter starts over, Pause stops asking. The list keeps the newest MAX_ROWS.
import { getJson, isAbort, type LogsJson, type ServiceJson } from '../api.ts';
import { field, levelBadge, lineList, lineRow, pageHeader, select, sendHint, serviceChip } from '../components.ts';
import { h, link, notice } from '../dom.ts';
import { formatClock, shortId } from '../format.ts';
import { go, type Page, type PageContext } from '../router.ts';

const POLL_MS = 1000;
const FIRST = 200;
const MAX_ROWS = 2000;

function render({ main, query, signal }: PageContext): void {
  const service = select('service', [['', 'All services']], '');
  const level = select('level', [['', 'All levels'], ['debug', 'debug'], ['info', 'info'], ['warn', 'warn'], ['error', 'error'], ['fatal', 'fatal']], query.get('level') ?? '');
  const text = h('input', { attrs: { name: 'q', type: 'search', placeholder: 'words in the line', autocomplete: 'off' } });
  text.value = query.get('q') ?? '';
  const pause = h('button', { class: 'pause', attrs: { type: 'button', 'aria-pressed': 'false' } }, 'Pause');
  const state = h('span', { class: 'tail-state', attrs: { role: 'status' } }, 'Connecting…');
  const apply = (): void => {
    const next = new URLSearchParams();
    if (service.value) next.set('service', service.value);
    if (level.value) next.set('level', level.value);
    if (text.value.trim()) next.set('q', text.value.trim());
    const search = next.toString();
    go(search ? `/logs?${search}` : '/logs', true);
  };
  const form = h('form', { class: 'filters', attrs: { role: 'search' }, on: { submit: (event) => { event.preventDefault(); apply(); } } },
    field('Service', service), field('Level', level), field('Text', text),
    h('div', { class: 'filter-actions' }, h('button', { class: 'primary', attrs: { type: 'submit' } }, 'Apply'), pause, state));
  service.addEventListener('change', apply);
  level.addEventListener('change', apply);

  const list = lineList('Log lines, newest last', ['Time', 'Service', 'Level', 'Message', 'Request'], 'tail-scroll');
  const body = list.rows;
  const scroller = list.element;
  const empty = notice('empty', 'No log lines yet.', sendHint());
  const slot = h('section', null, scroller);
  main.append(pageHeader('Logs', h('span', { class: 'muted' }, 'live tail')), form, slot);

  getJson<{ services: ServiceJson[] }>('/api/services', {}, signal).then(({ services }) => {
    for (const item of services) service.append(h('option', { attrs: { value: item.name } }, item.name));
    service.value = query.get('service') ?? '';
  }, () => undefined);

  const filters = { service: query.get('service'), level: query.get('level'), q: query.get('q') };
  let last: number | undefined;
  let paused = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight = false;
  pause.addEventListener('click', () => {
    paused = !paused;
    pause.textContent = paused ? 'Resume' : 'Pause';
    pause.setAttribute('aria-pressed', String(paused));
    state.textContent = paused ? 'Paused' : 'Following';
    if (!paused) poll();
    else if (timer !== undefined) clearTimeout(timer);
  });
  signal.addEventListener('abort', () => clearTimeout(timer), { once: true });

  const poll = (): void => {
    clearTimeout(timer);
    if (inFlight) return; // its answer schedules the next call
    inFlight = true;
    const params = last === undefined ? { ...filters, limit: FIRST } : { ...filters, after: last, limit: 1000 };
    getJson<LogsJson>('/api/logs', params, signal).then((answer) => {
      if (signal.aborted) return;
      const atBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 40;
      for (const log of answer.logs) {
        // The correlation ID names the whole request (all its traces); the trace ID when there is none.
        const request = log.correlation_id || log.trace_id;
        body.append(lineRow(log.id, log.level, [formatClock(log.time), serviceChip(log.service), levelBadge(log.level), log.msg || log.line, request ? link(`/request/${encodeURIComponent(request)}`, shortId(request, 14)) : '—'], ['mono small nowrap', '', '', 'log-msg', 'mono small']));
      }
      while (body.childElementCount > MAX_ROWS) body.firstElementChild!.remove();
      if (answer.logs.length > 0 || last === undefined) last = Math.max(last ?? 0, answer.last ?? 0, ...answer.logs.map((log) => log.id));
      if (body.childElementCount === 0) {
        if (!slot.contains(empty)) slot.replaceChildren(empty);
      } else if (!slot.contains(scroller)) slot.replaceChildren(scroller);
      if (atBottom && answer.logs.length > 0) scroller.scrollTop = scroller.scrollHeight;
      if (!paused) state.textContent = `Following · ${body.childElementCount} lines`;
    }, (error: unknown) => {
      if (isAbort(error)) return;
      state.textContent = `Retrying: ${error instanceof Error ? error.message : String(error)}`;
    }).finally(() => {
      inFlight = false;
      if (!paused && !signal.aborted) timer = setTimeout(poll, POLL_MS);
    });
  };
  poll();
}

export const logsPage: Page = { tab: 'logs', title: 'Logs', render };
