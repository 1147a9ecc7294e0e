// What the shop sells. inventory seeds its stock from it; the traffic generator orders from it.

export interface CatalogueItem {
  readonly sku: string;
  readonly name: string;
  readonly priceCents: number;
}

export const CATALOGUE: readonly CatalogueItem[] = [
  { sku: 'tea-earl-grey', name: 'Earl Grey, 100 g', priceCents: 650 },
  { sku: 'tea-sencha', name: 'Sencha, 100 g', priceCents: 890 },
  { sku: 'tea-rooibos', name: 'Rooibos, 100 g', priceCents: 540 },
  { sku: 'mug-stoneware', name: 'Stoneware mug', priceCents: 1400 },
  { sku: 'teapot-glass', name: 'Glass teapot', priceCents: 3200 },
  { sku: 'strainer', name: 'Tea strainer', priceCents: 450 },
];
