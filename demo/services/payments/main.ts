// payments: charges an order. Flaky on purpose through its fault switches; a retried charge for
// the same order is answered with the first charge (order ID is the key), so retries are safe.
import { logger } from '@threadline/agent';
import { badRequest, isRecord, isUuid } from '../../shared/http-errors.ts';
import { startService } from '../../shared/service.ts';
import { captureOnce, MIGRATIONS } from './store.ts';

startService({
  name: 'payments',
  migrations: MIGRATIONS,
  mount({ app, db }) {
    app.post('/payments', async (req, res) => {
      const body: unknown = req.body;
      if (!isRecord(body) || !isUuid(body.orderId)) throw badRequest('orderId must be a UUID');
      if (typeof body.amountCents !== 'number' || !Number.isInteger(body.amountCents) || body.amountCents <= 0) throw badRequest('amountCents must be a positive whole number');
      const replay = !(await captureOnce(db(), body.orderId, body.amountCents));
      logger.info({ order_id: body.orderId, amount_cents: body.amountCents, replay }, replay ? 'payment already captured' : 'payment captured');
      res.status(replay ? 200 : 201).json({ orderId: body.orderId, status: 'captured' });
    });
  },
});
