// The orders schema and its queries.
import type pg from 'pg';
import type { Migration } from '../../shared/db.ts';
import type { OrderItem } from '../../shared/events.ts';

export type OrderStatus = 'pending' | 'paid' | 'failed';

export interface Order {
  readonly id: string;
  readonly customerId: string;
  readonly items: readonly OrderItem[];
  readonly totalCents: number;
  readonly status: OrderStatus;
  readonly failureReason: string | null;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `CREATE TABLE orders (
      id uuid PRIMARY KEY,
      customer_id text NOT NULL,
      items jsonb NOT NULL,
      total_cents integer NOT NULL,
      status text NOT NULL,
      failure_reason text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
  },
];

export async function insertOrder(pool: pg.Pool, order: Order): Promise<void> {
  await pool.query('INSERT INTO orders (id, customer_id, items, total_cents, status) VALUES ($1, $2, $3, $4, $5)', [
    order.id,
    order.customerId,
    JSON.stringify(order.items),
    order.totalCents,
    order.status,
  ]);
}

export async function setStatus(pool: pg.Pool, id: string, status: OrderStatus, failureReason: string | null = null): Promise<void> {
  await pool.query('UPDATE orders SET status = $2, failure_reason = $3, updated_at = now() WHERE id = $1', [id, status, failureReason]);
}

export async function findOrder(pool: pg.Pool, id: string): Promise<Order | undefined> {
  const result = await pool.query<{ id: string; customer_id: string; items: OrderItem[]; total_cents: number; status: OrderStatus; failure_reason: string | null }>(
    'SELECT id, customer_id, items, total_cents, status, failure_reason FROM orders WHERE id = $1',
    [id],
  );
  const row = result.rows[0];
  if (!row) return undefined;
  return { id: row.id, customerId: row.customer_id, items: row.items, totalCents: row.total_cents, status: row.status, failureReason: row.failure_reason };
}
