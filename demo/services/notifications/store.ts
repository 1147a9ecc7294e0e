// The notifications schema. processed_messages is the idempotency record: a message ID is
// claimed in the same transaction that writes the notification, so a message redelivered after a
// crash between commit and ack finds its ID taken and notifies nobody a second time.
import type pg from 'pg';
import { transaction, type Migration } from '../../shared/db.ts';

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `CREATE TABLE processed_messages (
      message_id text PRIMARY KEY,
      processed_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE notifications (
      id bigserial PRIMARY KEY,
      message_id text NOT NULL UNIQUE REFERENCES processed_messages (message_id),
      order_id uuid NOT NULL,
      customer_id text NOT NULL,
      kind text NOT NULL,
      text text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX notifications_order_id ON notifications (order_id)`,
  },
];

export interface Notification {
  readonly orderId: string;
  readonly customerId: string;
  readonly kind: string;
  readonly text: string;
}

/** Records the notification unless this message ID was processed before; true when recorded. */
export async function notifyOnce(pool: pg.Pool, messageId: string, notification: Notification): Promise<boolean> {
  return transaction(pool, async (client) => {
    const claimed = await client.query('INSERT INTO processed_messages (message_id) VALUES ($1) ON CONFLICT (message_id) DO NOTHING', [messageId]);
    if (claimed.rowCount === 0) return false;
    await client.query('INSERT INTO notifications (message_id, order_id, customer_id, kind, text) VALUES ($1, $2, $3, $4, $5)', [
      messageId,
      notification.orderId,
      notification.customerId,
      notification.kind,
      notification.text,
    ]);
    return true;
  });
}

export async function notificationsFor(pool: pg.Pool, orderId: string): Promise<Array<Notification & { messageId: string }>> {
  const result = await pool.query<{ message_id: string; order_id: string; customer_id: string; kind: string; text: string }>(
    'SELECT message_id, order_id, customer_id, kind, text FROM notifications WHERE order_id = $1 ORDER BY id',
    [orderId],
  );
  return result.rows.map((row) => ({ messageId: row.message_id, orderId: row.order_id, customerId: row.customer_id, kind: row.kind, text: row.text }));
}
