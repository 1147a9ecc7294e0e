// A service's own PostgreSQL schema: a pool whose search_path is that schema, and the service's
// migrations applied on start, once, even when several replicas start together.
import pg from 'pg';
import { logger } from '@threadline/agent';
import { redactUrl } from './redact.ts';

export interface Migration {
  readonly version: number;
  readonly sql: string;
}

export async function openDatabase(url: string, schema: string, migrations: readonly Migration[]): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString: url, options: `-c search_path=${schema}`, max: 5, connectionTimeoutMillis: 5000 });
  pool.on('error', (error) => logger.error({ err: error }, 'idle database connection failed'));
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new Error(`cannot reach PostgreSQL at ${redactUrl(url)} (${error instanceof Error ? error.message : String(error)}): start PostgreSQL or set DATABASE_URL`, { cause: error });
  }
  try {
    await client.query('BEGIN');
    // Replicas starting together would otherwise race on CREATE TABLE.
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [schema]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    const applied = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((row) => row.version));
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [migration.version]);
      logger.info({ schema, version: migration.version }, 'migration applied');
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
    await pool.end().catch(() => undefined);
    throw error;
  }
  client.release();
  return pool;
}

/** Runs `work` in one transaction on one connection. */
export async function transaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
