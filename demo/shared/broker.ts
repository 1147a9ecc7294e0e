// RabbitMQ: one durable topic exchange for the shop's events, one durable queue per consuming
// service. Every message carries a message ID (consumers deduplicate by it); a message whose
// handler fails is requeued once, then dropped, so a poison message cannot loop forever.
import { randomUUID } from 'node:crypto';
import amqp from 'amqplib';
import { logger } from '@threadline/agent';
import { redactUrl } from './redact.ts';

export interface Delivery {
  readonly routingKey: string;
  readonly messageId: string;
  readonly redelivered: boolean;
  readonly body: unknown;
}

export type Handler = (delivery: Delivery) => Promise<void>;

export interface Broker {
  publish(routingKey: string, body: object, messageId?: string): void;
  /** Consumes `<exchange>.<queue>` bound to the routing-key patterns. */
  consume(queue: string, patterns: readonly string[], handler: Handler): Promise<void>;
  /** Throws when the connection is gone (for /healthz). */
  check(): void;
  close(): Promise<void>;
}

export async function connectBroker(url: string, exchange: string): Promise<Broker> {
  let connection: amqp.ChannelModel;
  try {
    connection = await amqp.connect(url);
  } catch (error) {
    throw new Error(`cannot reach RabbitMQ at ${redactUrl(url)} (${error instanceof Error ? error.message : String(error)}): start RabbitMQ or set AMQP_URL`, { cause: error });
  }
  let closing = false;
  let lost: Error | undefined;
  connection.on('error', (error: Error) => logger.error({ err: error }, 'RabbitMQ connection error'));
  connection.on('close', () => {
    if (closing) return;
    lost = new Error('RabbitMQ connection closed');
    // Without the broker the service cannot do its job; exit so the supervisor restarts it.
    logger.fatal('RabbitMQ connection lost; exiting');
    process.kill(process.pid, 'SIGTERM');
  });
  const channel = await connection.createChannel();
  await channel.assertExchange(exchange, 'topic', { durable: true });
  await channel.prefetch(10);
  const consumerTags: string[] = [];
  const inFlight = new Set<Promise<void>>();

  return {
    publish(routingKey, body, messageId = randomUUID()) {
      channel.publish(exchange, routingKey, Buffer.from(JSON.stringify(body)), {
        persistent: true,
        contentType: 'application/json',
        messageId,
        type: routingKey,
        timestamp: Math.floor(Date.now() / 1000),
      });
    },

    async consume(queue, patterns, handler) {
      const name = `${exchange}.${queue}`;
      await channel.assertQueue(name, { durable: true });
      for (const pattern of patterns) await channel.bindQueue(name, exchange, pattern);
      const { consumerTag } = await channel.consume(name, (message) => {
        if (message === null) return;
        const work = (async () => {
          const routingKey = message.fields.routingKey;
          const messageId = typeof message.properties.messageId === 'string' ? message.properties.messageId : '';
          try {
            await handler({ routingKey, messageId, redelivered: message.fields.redelivered, body: JSON.parse(message.content.toString('utf8')) as unknown });
            channel.ack(message);
          } catch (error) {
            const requeue = !message.fields.redelivered;
            logger.error({ err: error, routing_key: routingKey, message_id: messageId, requeue }, 'message processing failed');
            channel.nack(message, false, requeue);
          }
        })();
        inFlight.add(work);
        void work.finally(() => inFlight.delete(work));
      });
      consumerTags.push(consumerTag);
    },

    check() {
      if (lost) throw lost;
    },

    async close() {
      closing = true;
      for (const tag of consumerTags) await channel.cancel(tag).catch(() => undefined);
      await Promise.allSettled([...inFlight]);
      await channel.close().catch(() => undefined);
      await connection.close().catch(() => undefined);
    },
  };
}
