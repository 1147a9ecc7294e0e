// The footer's line about the store: how much it holds, how close it is to its bound, and what retention
// evicted or the receivers refused, so that missing data has a visible reason. Refreshed every 10 s.
import { getJson } from './api.ts';
import { h } from './dom.ts';
import { formatBytes, formatCount } from './format.ts';

interface StatsJson {
  counters: Record<string, number>;
  store: { bytes: number; maxBytes: number; maxAgeMs: number; spans: number; logs: number };
  textIndex?: { linesBehind: number };
}

const EVERY_MS = 10_000;

function describe(stats: StatsJson): (Node | string)[] {
  const count = (name: string): number => Number(stats.counters[name] ?? 0);
  const parts: (Node | string)[] = [`${formatCount(stats.store.spans)} spans · ${formatCount(stats.store.logs)} log lines · ${formatBytes(stats.store.bytes)} of ${formatBytes(stats.store.maxBytes)}`];
  const evicted = [['spans', count('spans_evicted')], ['lines', count('logs_evicted')], ['samples', count('samples_evicted')], ['alerts', count('alerts_evicted')]].filter(([, value]) => Number(value) > 0);
  if (evicted.length > 0) parts.push(' · evicted by retention: ', evicted.map(([name, value]) => `${formatCount(Number(value))} ${name}`).join(', '));
  const refused = count('requests_refused_overloaded') + count('requests_refused_malformed') + count('requests_refused_too_large');
  if (refused > 0) parts.push(' · ', h('span', { class: 'status-warn' }, `${formatCount(refused)} pushes refused (${count('requests_refused_overloaded')} overloaded, ${count('requests_refused_malformed')} malformed, ${count('requests_refused_too_large')} too large)`));
  const behind = stats.textIndex?.linesBehind ?? 0;
  if (behind > 0) parts.push(` · text search is indexing: ${formatCount(behind)} lines to go`);
  const failed = count('scrapes_failed');
  if (failed > 0) parts.push(' · ', h('span', { class: 'status-warn' }, `${formatCount(failed)} scrapes failed`));
  return parts;
}

export function startStatus(footer: HTMLElement): void {
  const refresh = (): void => {
    getJson<StatsJson>('/api/stats', {}, AbortSignal.timeout(5000)).then((stats) => footer.replaceChildren(...describe(stats)), () => footer.replaceChildren('The viewer does not answer: is it still running?'));
  };
  refresh();
  setInterval(refresh, EVERY_MS);
}
