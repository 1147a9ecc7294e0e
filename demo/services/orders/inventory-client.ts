// Prices come from inventory's stock look-up (REST); an unknown SKU is the caller's mistake (400).
import { HttpError, isRecord } from '../../shared/http-errors.ts';
import { requestJson } from '../../shared/http-client.ts';

export async function priceList(inventoryUrl: string, skus: readonly string[]): Promise<Map<string, number>> {
  const url = `${inventoryUrl}/stock?skus=${encodeURIComponent([...new Set(skus)].join(','))}`;
  const { status, body } = await requestJson(url, { timeoutMs: 2000 });
  const error = isRecord(body) && typeof body.error === 'string' ? body.error : JSON.stringify(body);
  if (status === 404 || status === 400) throw new HttpError(400, error);
  if (status !== 200 || !isRecord(body) || !Array.isArray(body.items)) throw new HttpError(502, `inventory stock look-up failed (${status}): ${error}`);
  const prices = new Map<string, number>();
  for (const item of body.items as unknown[]) {
    if (isRecord(item) && typeof item.sku === 'string' && typeof item.priceCents === 'number') prices.set(item.sku, item.priceCents);
  }
  return prices;
}
