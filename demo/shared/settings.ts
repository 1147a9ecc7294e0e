// Environment → settings shared by every demo service. The defaults are the local (no Docker)
// layout of docs/contract.md, so `node services/orders/main.ts` works on its own; compose and the
// demo runner override them through the same variables.

export type ServiceName = 'gateway' | 'orders' | 'inventory' | 'payments' | 'notifications';

export const SERVICE_NAMES: readonly ServiceName[] = ['gateway', 'orders', 'inventory', 'payments', 'notifications'];

/** Local ports from docs/contract.md: HTTP 8080-8084, metrics 9464-9468. */
export const LOCAL_HTTP_PORTS: Readonly<Record<ServiceName, number>> = {
  gateway: 8080,
  orders: 8081,
  inventory: 8082,
  payments: 8083,
  notifications: 8084,
};

export const LOCAL_METRICS_PORTS: Readonly<Record<ServiceName, number>> = {
  gateway: 9464,
  orders: 9465,
  inventory: 9466,
  payments: 9467,
  notifications: 9468,
};

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
export const DEFAULT_AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';
export const DEFAULT_EXCHANGE = 'threadline.shop';

export type Env = Readonly<Record<string, string | undefined>>;

function setting(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/** A TCP port from the environment; a bad value stops the service with a message naming it. */
export function portFrom(env: Env, name: string, fallback: number): number {
  const raw = setting(env, name);
  if (raw === undefined) return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`${name}=${JSON.stringify(raw)} is not a TCP port (0-65535)`);
  return port;
}

export function httpPort(service: ServiceName, env: Env = process.env): number {
  return portFrom(env, 'PORT', LOCAL_HTTP_PORTS[service]);
}

/** HOST: the address to listen on; unset means every interface. */
export function listenHost(env: Env = process.env): string | undefined {
  return setting(env, 'HOST');
}

/** Where another service answers: `<NAME>_URL`, else its local port on loopback. */
export function serviceUrl(service: ServiceName, env: Env = process.env): string {
  return setting(env, `${service.toUpperCase()}_URL`) ?? `http://127.0.0.1:${LOCAL_HTTP_PORTS[service]}`;
}

export function databaseUrl(env: Env = process.env): string {
  return setting(env, 'DATABASE_URL') ?? DEFAULT_DATABASE_URL;
}

/**
 * Each service owns one schema. DATABASE_SCHEMA_PREFIX lets several demo runs (the tests) share
 * one database without seeing each other's rows.
 */
export function databaseSchema(service: ServiceName, env: Env = process.env): string {
  const schema = `${setting(env, 'DATABASE_SCHEMA_PREFIX') ?? ''}${service}`;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`DATABASE_SCHEMA_PREFIX gives the schema name ${JSON.stringify(schema)}; use lower-case letters, digits and _`);
  return schema;
}

export function amqpUrl(env: Env = process.env): string {
  return setting(env, 'AMQP_URL') ?? DEFAULT_AMQP_URL;
}

/** The topic exchange; queues are named after it (`<exchange>.<service>`) so runs stay apart. */
export function exchangeName(env: Env = process.env): string {
  return setting(env, 'AMQP_EXCHANGE') ?? DEFAULT_EXCHANGE;
}
