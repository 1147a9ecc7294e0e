// orders: takes an order, prices it with inventory, stores it in its own schema, charges it
// through payments (breaker, timeout, retries) and tells the rest of the shop over RabbitMQ.
import { randomUUID } from 'node:crypto';
import { logger } from '@threadline/agent';
import { isBreakerOpen } from '../../shared/breaker.ts';
import { ORDER_CREATED, ORDER_FAILED, ORDER_PAID, type OrderEvent } from '../../shared/events.ts';
import { HttpError, isUuid } from '../../shared/http-errors.ts';
import { startService } from '../../shared/service.ts';
import { serviceUrl } from '../../shared/settings.ts';
import { priceList } from './inventory-client.ts';
import { parseOrderRequest } from './order-request.ts';
import { createPaymentsClient } from './payments-client.ts';
import { findOrder, insertOrder, MIGRATIONS, setStatus, type Order } from './store.ts';

startService({
  name: 'orders',
  migrations: MIGRATIONS,
  broker: true,
  mount({ app, db, broker }) {
    const payments = createPaymentsClient(serviceUrl('payments'));
    const inventoryUrl = serviceUrl('inventory');

    app.post('/orders', async (req, res) => {
      const request = parseOrderRequest(req.body);
      const prices = await priceList(inventoryUrl, request.items.map((item) => item.sku));
      let totalCents = 0;
      for (const item of request.items) {
        const price = prices.get(item.sku);
        if (price === undefined) throw new HttpError(400, `unknown sku ${JSON.stringify(item.sku)}`);
        totalCents += price * item.quantity;
      }
      const order: Order = { id: randomUUID(), customerId: request.customerId, items: request.items, totalCents, status: 'pending', failureReason: null };
      await insertOrder(db(), order);
      const event: OrderEvent = { orderId: order.id, customerId: order.customerId, items: order.items, totalCents };
      broker().publish(ORDER_CREATED, event);
      logger.info({ order_id: order.id, total_cents: totalCents }, 'order created');

      try {
        await payments.charge(order.id, totalCents);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        await setStatus(db(), order.id, 'failed', reason);
        broker().publish(ORDER_FAILED, { ...event, reason });
        logger.error({ order_id: order.id, reason, breaker_open: isBreakerOpen(error) }, 'order failed: payment did not go through');
        const status = isBreakerOpen(error) ? 503 : error instanceof HttpError && error.status === 422 ? 422 : 502;
        res.status(status).json({ id: order.id, status: 'failed', error: reason });
        return;
      }
      await setStatus(db(), order.id, 'paid');
      broker().publish(ORDER_PAID, event);
      logger.info({ order_id: order.id }, 'order paid');
      res.status(201).json({ id: order.id, status: 'paid' });
    });

    app.get('/orders/:id', async (req, res) => {
      const id = req.params.id;
      const order = isUuid(id) ? await findOrder(db(), id) : undefined;
      if (!order) throw new HttpError(404, `no order ${JSON.stringify(id)}`);
      res.json(order);
    });
  },
});
