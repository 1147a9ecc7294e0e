// A message RabbitMQ redelivers does not notify twice. The redelivery is the broker's own: the
// test takes the message off the queue without acknowledging it and lets go, so RabbitMQ hands it
// to notifications again with the redelivered flag set, after notifications had already
// processed a copy with the same message ID (as after a crash between commit and ack).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import amqp from 'amqplib';
import { ORDER_PAID } from '../shared/events.ts';
import { DEFAULT_AMQP_URL } from '../shared/settings.ts';
import { startDemo, type Demo } from './harness.ts';

describe('notifications is idempotent by message ID', () => {
  let demo: Demo;
  let connection: amqp.ChannelModel;

  before(async () => {
    demo = await startDemo({ services: ['notifications'] });
    connection = await amqp.connect(process.env.AMQP_URL ?? DEFAULT_AMQP_URL);
  });

  after(async () => {
    await connection?.close();
    await demo?.stop();
  });

  it('notifies once when the same message is delivered again, redelivered flag and all', async () => {
    const channel = await connection.createChannel();
    const queue = `${demo.exchange}.notifications`;
    const orderId = randomUUID();
    const messageId = randomUUID();
    const publish = (): void => {
      channel.publish(demo.exchange, ORDER_PAID, Buffer.from(JSON.stringify({ orderId, customerId: 'c-7', items: [], totalCents: 650 })), {
        messageId,
        contentType: 'application/json',
        persistent: true,
      });
    };

    publish();
    await demo.waitForLog((l) => l.msg === 'notification sent' && l.message_id === messageId);

    // notifications away; the same message comes in again and is taken but never acknowledged.
    await demo.children.get('notifications')?.stop();
    publish();
    let taken: amqp.GetMessage | false = false;
    for (let i = 0; i < 50 && !taken; i += 1) {
      taken = await channel.get(queue, { noAck: false });
      if (!taken) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(taken, 'the second copy is on the queue');
    assert.equal(taken.properties.messageId, messageId);
    await channel.close(); // unacknowledged: RabbitMQ requeues it as redelivered

    await demo.start('notifications');
    const duplicate = await demo.waitForLog((l) => l.msg === 'duplicate message: already notified' && l.message_id === messageId);
    assert.equal(duplicate.redelivered, true, 'RabbitMQ marked it redelivered');

    const response = await fetch(`http://127.0.0.1:${demo.ports.http.notifications}/notifications?orderId=${orderId}`);
    const { notifications } = (await response.json()) as { notifications: Array<{ messageId: string }> };
    assert.equal(notifications.length, 1, 'one notification for the order');
    assert.equal(demo.logs.filter((l) => l.msg === 'notification sent' && l.message_id === messageId).length, 1);
  });
});
