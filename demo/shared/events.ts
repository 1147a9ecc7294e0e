// The events on the shop's topic exchange: routing keys and bodies, shared by producers and
// consumers so both sides agree on one shape.

export const ORDER_CREATED = 'order.created';
export const ORDER_PAID = 'order.paid';
export const ORDER_FAILED = 'order.failed';
export const STOCK_RESERVED = 'stock.reserved';
export const STOCK_REJECTED = 'stock.rejected';

export interface OrderItem {
  readonly sku: string;
  readonly quantity: number;
}

export interface OrderEvent {
  readonly orderId: string;
  readonly customerId: string;
  readonly items: readonly OrderItem[];
  readonly totalCents: number;
  readonly reason?: string;
}

export interface StockEvent {
  readonly orderId: string;
  readonly customerId: string;
  readonly reason?: string;
}
