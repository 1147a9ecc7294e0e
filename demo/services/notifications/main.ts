// notifications: tells customers what happened to their orders. It consumes the shop's events
// and is idempotent by message ID, since RabbitMQ delivers at least once.
import { logger } from '@threadline/agent';
import { ORDER_FAILED, ORDER_PAID, STOCK_REJECTED } from '../../shared/events.ts';
import { badRequest, isRecord, isUuid } from '../../shared/http-errors.ts';
import { startService } from '../../shared/service.ts';
import { MIGRATIONS, notificationsFor, notifyOnce, type Notification } from './store.ts';

const TEXTS: Readonly<Record<string, string>> = {
  [ORDER_PAID]: 'Thank you! Your order is paid and on its way.',
  [ORDER_FAILED]: 'Sorry, we could not take payment for your order.',
  [STOCK_REJECTED]: 'Sorry, part of your order is out of stock.',
};

function notificationFor(routingKey: string, body: unknown): Notification {
  const text = TEXTS[routingKey];
  if (text === undefined || !isRecord(body) || typeof body.orderId !== 'string' || typeof body.customerId !== 'string') {
    throw new Error(`cannot notify about ${routingKey}: ${JSON.stringify(body)}`);
  }
  return { orderId: body.orderId, customerId: body.customerId, kind: routingKey, text };
}

startService({
  name: 'notifications',
  migrations: MIGRATIONS,
  broker: true,
  async mount({ app, faults, db, broker }) {
    app.get('/notifications', async (req, res) => {
      const orderId = req.query.orderId;
      if (!isUuid(orderId)) throw badRequest('orderId (a UUID) is required: /notifications?orderId=…');
      res.json({ notifications: await notificationsFor(db(), orderId) });
    });

    await broker().consume('notifications', [ORDER_PAID, ORDER_FAILED, STOCK_REJECTED], async ({ routingKey, messageId, redelivered, body }) => {
      await faults.inject();
      if (messageId === '') throw new Error(`${routingKey} message without a message ID; cannot deduplicate it`);
      const notification = notificationFor(routingKey, body);
      const sent = await notifyOnce(db(), messageId, notification);
      if (sent) logger.info({ order_id: notification.orderId, customer_id: notification.customerId, kind: routingKey, message_id: messageId }, 'notification sent');
      else logger.info({ order_id: notification.orderId, kind: routingKey, message_id: messageId, redelivered }, 'duplicate message: already notified');
    });
  },
});
