// The inventory schema: stock per SKU (seeded with a catalogue) and one reservation per order,
// keyed by order ID so a redelivered order.created never reserves twice.
import type pg from 'pg';
import { transaction, type Migration } from '../../shared/db.ts';
import { CATALOGUE } from '../../shared/catalogue.ts';
import type { OrderItem } from '../../shared/events.ts';

// Plenty, so that hours of generated traffic never run the shop dry.
const INITIAL_STOCK = 10_000_000;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `CREATE TABLE stock (
      sku text PRIMARY KEY,
      name text NOT NULL,
      price_cents integer NOT NULL,
      available integer NOT NULL CHECK (available >= 0)
    );
    INSERT INTO stock (sku, name, price_cents, available) VALUES
    ${CATALOGUE.map((item) => `('${item.sku}', '${item.name.replaceAll("'", "''")}', ${item.priceCents}, ${INITIAL_STOCK})`).join(',\n    ')};
    CREATE TABLE reservations (
      order_id uuid PRIMARY KEY,
      items jsonb NOT NULL,
      status text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
  },
];

export interface StockItem {
  readonly sku: string;
  readonly name: string;
  readonly priceCents: number;
  readonly available: number;
}

export async function lookUp(pool: pg.Pool, skus: readonly string[]): Promise<StockItem[]> {
  const result = await pool.query<{ sku: string; name: string; price_cents: number; available: number }>(
    'SELECT sku, name, price_cents, available FROM stock WHERE sku = ANY($1) ORDER BY sku',
    [skus],
  );
  return result.rows.map((row) => ({ sku: row.sku, name: row.name, priceCents: row.price_cents, available: row.available }));
}

export type ReserveOutcome = 'reserved' | 'rejected' | 'duplicate';

/** Takes every item or none; records the outcome under the order ID. */
export async function reserve(pool: pg.Pool, orderId: string, items: readonly OrderItem[]): Promise<ReserveOutcome> {
  return transaction(pool, async (client) => {
    const claimed = await client.query(`INSERT INTO reservations (order_id, items, status) VALUES ($1, $2, 'pending') ON CONFLICT (order_id) DO NOTHING`, [orderId, JSON.stringify(items)]);
    if (claimed.rowCount === 0) return 'duplicate';
    let outcome: ReserveOutcome = 'reserved';
    await client.query('SAVEPOINT take');
    for (const item of items) {
      const taken = await client.query('UPDATE stock SET available = available - $2 WHERE sku = $1 AND available >= $2', [item.sku, item.quantity]);
      if (taken.rowCount === 0) {
        outcome = 'rejected';
        await client.query('ROLLBACK TO SAVEPOINT take');
        break;
      }
    }
    await client.query('UPDATE reservations SET status = $2 WHERE order_id = $1', [orderId, outcome]);
    return outcome;
  });
}

/** Puts a reservation's items back (the order failed); only once. */
export async function release(pool: pg.Pool, orderId: string): Promise<boolean> {
  return transaction(pool, async (client) => {
    const released = await client.query<{ items: OrderItem[] }>(`UPDATE reservations SET status = 'released' WHERE order_id = $1 AND status = 'reserved' RETURNING items`, [orderId]);
    const row = released.rows[0];
    if (!row) return false;
    for (const item of row.items) await client.query('UPDATE stock SET available = available + $2 WHERE sku = $1', [item.sku, item.quantity]);
    return true;
  });
}
