// The payments schema: one charge per order, the order ID its key, so a retried charge finds the
// first one instead of charging twice.
import type pg from 'pg';
import type { Migration } from '../../shared/db.ts';

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `CREATE TABLE charges (
      order_id uuid PRIMARY KEY,
      amount_cents integer NOT NULL CHECK (amount_cents > 0),
      status text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
  },
];

/** Captures the charge unless the order has one already; true when this call captured it. */
export async function captureOnce(pool: pg.Pool, orderId: string, amountCents: number): Promise<boolean> {
  const inserted = await pool.query(
    `INSERT INTO charges (order_id, amount_cents, status) VALUES ($1, $2, 'captured') ON CONFLICT (order_id) DO NOTHING RETURNING order_id`,
    [orderId, amountCents],
  );
  return inserted.rowCount === 1;
}
