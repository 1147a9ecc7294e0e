// Message processing time for AMQP consumers, from the amqplib instrumentation's hooks: the
// clock starts when the message is handed to the consumer and stops at its ack, nack or reject.
import { context, trace, type Span } from '@opentelemetry/api';

export interface MessageRecord {
  readonly destination: string;
  readonly outcome: 'success' | 'failure';
  readonly durationSeconds: number;
}

export type MessageListener = (record: MessageRecord) => void;

interface ConsumedMessage {
  fields?: { exchange?: string; routingKey?: string };
}

const started = new WeakMap<object, bigint>();

export function messagingHooks(listener: MessageListener): {
  consumeHook: (span: Span, info: { msg: ConsumedMessage }) => void;
  consumeEndHook: (span: Span, info: { msg: ConsumedMessage; rejected: boolean | null }) => void;
} {
  return {
    consumeHook: (_span, { msg }) => {
      started.set(msg, process.hrtime.bigint());
    },
    consumeEndHook: (span, { msg, rejected }) => {
      const startNs = started.get(msg);
      if (startNs === undefined) return;
      started.delete(msg);
      const record: MessageRecord = {
        destination: destinationOf(msg),
        outcome: rejected ? 'failure' : 'success',
        durationSeconds: Number(process.hrtime.bigint() - startNs) / 1e9,
      };
      // Run inside the consumer span so the exemplar points at the consume trace.
      context.with(trace.setSpan(context.active(), span), () => listener(record));
    },
  };
}

function destinationOf(msg: ConsumedMessage): string {
  const exchange = msg.fields?.exchange;
  if (exchange) return exchange;
  return msg.fields?.routingKey || 'default';
}
