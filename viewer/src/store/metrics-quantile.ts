// histogram_quantile as Prometheus computes it: find the bucket the rank falls in and interpolate
// linearly inside it; the lowest bucket starts at 0, and a rank in the +Inf bucket answers the highest
// finite bound.

/**
 * `bounds`: finite upper bounds, ascending; `cumulative`: counts at those bounds; `total`: the +Inf
 * bucket's count. Null when there is nothing to rank.
 */
export function histogramQuantile(q: number, bounds: ArrayLike<number>, cumulative: ArrayLike<number>, total: number): number | null {
  if (!(total > 0) || bounds.length === 0) return null;
  const rank = q * total;
  let i = 0;
  while (i < bounds.length && cumulative[i]! < rank) i++;
  if (i === bounds.length) return bounds[bounds.length - 1]!;
  const upper = bounds[i]!;
  if (i === 0 && upper <= 0) return upper;
  const lower = i === 0 ? 0 : bounds[i - 1]!;
  const below = i === 0 ? 0 : cumulative[i - 1]!;
  const inBucket = cumulative[i]! - below;
  if (inBucket <= 0) return upper;
  return lower + (upper - lower) * ((rank - below) / inBucket);
}
