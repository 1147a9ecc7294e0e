// inventory: a REST stock look-up, and a consumer that reserves stock when an order is created
// (and gives it back when the order fails), announcing the outcome on the exchange.
import { logger } from '@threadline/agent';
import { ORDER_CREATED, ORDER_FAILED, STOCK_REJECTED, STOCK_RESERVED, type OrderEvent, type StockEvent } from '../../shared/events.ts';
import { badRequest, HttpError, isRecord } from '../../shared/http-errors.ts';
import { startService } from '../../shared/service.ts';
import { lookUp, MIGRATIONS, release, reserve } from './store.ts';

function orderEvent(body: unknown): OrderEvent {
  if (!isRecord(body) || typeof body.orderId !== 'string' || typeof body.customerId !== 'string' || !Array.isArray(body.items)) {
    throw new Error(`not an order event: ${JSON.stringify(body)}`);
  }
  return body as unknown as OrderEvent;
}

startService({
  name: 'inventory',
  migrations: MIGRATIONS,
  broker: true,
  async mount({ app, faults, db, broker }) {
    app.get('/stock', async (req, res) => {
      const skus = typeof req.query.skus === 'string' ? req.query.skus.split(',').filter((sku) => sku.length > 0) : [];
      if (skus.length === 0 || skus.length > 50) throw badRequest('give 1 to 50 SKUs: /stock?skus=tea-sencha,strainer');
      const items = await lookUp(db(), skus);
      const unknown = skus.filter((sku) => !items.some((item) => item.sku === sku));
      if (unknown.length > 0) throw new HttpError(404, `unknown sku ${unknown.map((sku) => JSON.stringify(sku)).join(', ')}`);
      res.json({ items });
    });

    await broker().consume('inventory', [ORDER_CREATED, ORDER_FAILED], async ({ routingKey, body }) => {
      await faults.inject();
      const order = orderEvent(body);
      if (routingKey === ORDER_FAILED) {
        if (await release(db(), order.orderId)) logger.info({ order_id: order.orderId }, 'stock released');
        return;
      }
      const outcome = await reserve(db(), order.orderId, order.items);
      if (outcome === 'duplicate') {
        logger.info({ order_id: order.orderId }, 'reservation already made; duplicate message ignored');
        return;
      }
      const event: StockEvent = { orderId: order.orderId, customerId: order.customerId, ...(outcome === 'rejected' ? { reason: 'not enough stock' } : {}) };
      broker().publish(outcome === 'reserved' ? STOCK_RESERVED : STOCK_REJECTED, event);
      logger.info({ order_id: order.orderId, outcome }, outcome === 'reserved' ? 'stock reserved' : 'stock reservation rejected');
    });
  },
});
