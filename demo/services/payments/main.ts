// payments: charges an order. Flaky on purpose through its fault switches; a retried charge for
// the same order is answered with the first charge (order ID is the key), so retries are safe.
import { logger } from '@threadline/agent';
import { badRequest, isRecord } from '../../shared/http-errors.ts';
import { startService } from '../../shared/service.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

startService({
  name: 'payments',
  migrations: [
    {
      version: 1,
      sql: `CREATE TABLE charges (
        order_id uuid PRIMARY KEY,
        amount_cents integer NOT NULL CHECK (amount_cents > 0),
        status text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`,
    },
  ],
  mount({ app, db }) {
    app.post('/payments', async (req, res) => {
      const body: unknown = req.body;
      if (!isRecord(body) || typeof body.orderId !== 'string' || !UUID.test(body.orderId)) throw badRequest('orderId must be a UUID');
      if (typeof body.amountCents !== 'number' || !Number.isInteger(body.amountCents) || body.amountCents <= 0) throw badRequest('amountCents must be a positive whole number');
      const inserted = await db().query(
        `INSERT INTO charges (order_id, amount_cents, status) VALUES ($1, $2, 'captured') ON CONFLICT (order_id) DO NOTHING RETURNING order_id`,
        [body.orderId, body.amountCents],
      );
      const replay = inserted.rowCount === 0;
      logger.info({ order_id: body.orderId, amount_cents: body.amountCents, replay }, replay ? 'payment already captured' : 'payment captured');
      res.status(replay ? 200 : 201).json({ orderId: body.orderId, status: 'captured' });
    });
  },
});
