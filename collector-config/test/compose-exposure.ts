// What a compose file exposes before anyone sets a variable: the host address each published
// port binds to once `${VAR:-default}` takes its default, and the secrets that would fall back to
// a value written in the file. Used by compose.test.ts on docker-compose.yml and its overrides.
import { isObj, str } from './helpers.ts';

/** `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?message}`, `${VAR?message}`, as Compose reads them. */
const INTERPOLATION = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g;

/** The string as Compose would see it with no variable set; a required variable stays as `<VAR>`. */
export function withNoVariablesSet(text: string): string {
  return text.replace(INTERPOLATION, (_all, name: string, operator: string | undefined, word: string | undefined) => {
    if (operator === undefined) return '';
    if (operator.endsWith('?')) return `<${name}>`;
    return word ?? '';
  });
}

/** The host address a `ports` entry binds to with no variable set; '' for all interfaces. */
export function hostAddress(entry: unknown): string {
  if (isObj(entry)) return withNoVariablesSet(String(entry.host_ip ?? ''));
  const resolved = withNoVariablesSet(typeof entry === 'number' ? String(entry) : str(entry, 'port'));
  // host:published:target, published:target or target (ports may be ranges, /protocol may follow); IPv6 hosts in [].
  const parts = /^(?:(\[[^\]]*\]|[^:[\]]*):(?=[^:]+:))?(?:[\d-]+:)?[\d-]+(?:\/\w+)?$/.exec(resolved);
  if (parts === null) throw new Error(`port "${String(entry)}": not the short form [host:][published:]target`);
  return parts[1] ?? '';
}

export const LOOPBACK = new Set(['127.0.0.1', '[::1]', '::1', 'localhost']);

/** Names of secret variables (…PASSWORD, …PASS, …SECRET, …TOKEN) that have a fallback value in the file. */
export function secretsWithDefaults(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(INTERPOLATION)) {
    const [, name = '', operator] = match;
    if (/(PASSWORD|PASS|SECRET|TOKEN)$/.test(name) && operator !== undefined && operator.endsWith('-')) found.push(name);
  }
  return found;
}
