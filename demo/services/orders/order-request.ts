// Validation of a new order: the orders service owns the rules, the gateway only forwards.
import type { OrderItem } from '../../shared/events.ts';
import { badRequest, isRecord } from '../../shared/http-errors.ts';

export interface OrderRequest {
  readonly customerId: string;
  readonly items: readonly OrderItem[];
}

const ID = /^[A-Za-z0-9._-]{1,64}$/;

export function parseOrderRequest(body: unknown): OrderRequest {
  if (!isRecord(body)) throw badRequest('the body must be a JSON object: {"customerId": "c-1", "items": [{"sku": "tea-earl-grey", "quantity": 1}]}');
  const { customerId, items } = body;
  if (typeof customerId !== 'string' || !ID.test(customerId)) throw badRequest('customerId must be 1-64 letters, digits, ".", "_" or "-"');
  if (!Array.isArray(items) || items.length === 0 || items.length > 20) throw badRequest('items must be a list of 1 to 20 {sku, quantity}');
  const parsed = items.map((item: unknown, index): OrderItem => {
    if (!isRecord(item) || typeof item.sku !== 'string' || !ID.test(item.sku)) throw badRequest(`items[${index}].sku must be 1-64 letters, digits, ".", "_" or "-"`);
    if (typeof item.quantity !== 'number' || !Number.isInteger(item.quantity) || item.quantity < 1 || item.quantity > 100) throw badRequest(`items[${index}].quantity must be a whole number from 1 to 100`);
    return { sku: item.sku, quantity: item.quantity };
  });
  return { customerId, items: parsed };
}
