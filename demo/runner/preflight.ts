// Before anything starts: are PostgreSQL and RabbitMQ there? One clear message per missing one,
// saying what to start or set, instead of five services each dying with a stack trace.
import amqp from 'amqplib';
import pg from 'pg';
import { redactUrl } from '../shared/redact.ts';

const TIMEOUT_MS = 3000;

function reason(error: unknown): string {
  if (error instanceof AggregateError) return error.errors.map(reason).join(', ');
  return error instanceof Error ? (error.message || error.name) : String(error);
}

export async function checkPostgres(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: TIMEOUT_MS });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return `PostgreSQL is not reachable at ${redactUrl(url)} (${reason(error)}). Start it (here: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) or point DATABASE_URL at one.`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function checkRabbitMq(url: string): Promise<string | undefined> {
  try {
    const connection = await amqp.connect(url, { timeout: TIMEOUT_MS });
    await connection.close();
    return undefined;
  } catch (error) {
    return `RabbitMQ is not reachable at ${redactUrl(url)} (${reason(error)}). Start it (here: rabbitmq-server -detached) or point AMQP_URL at one.`;
  }
}

/** Every problem found, empty when both answer. */
export async function preflight(databaseUrl: string, amqpUrl: string): Promise<string[]> {
  const problems = await Promise.all([checkPostgres(databaseUrl), checkRabbitMq(amqpUrl)]);
  return problems.filter((problem): problem is string => problem !== undefined);
}
