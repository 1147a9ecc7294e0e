// A colour per service name: from a hash of the name, so a service keeps its colour across reloads, and
// moved to the next free colour when two services on one page would share one. No DOM here.

const PALETTE = ['#3b6fd4', '#d9822b', '#2f9e6e', '#8e5bd6', '#c2417a', '#1f9bb5', '#7f8c23', '#b55a30', '#4f5fa8', '#3d8c40', '#a3487f', '#5c7a99'] as const;

/** FNV-1a over the name's UTF-16 units: cheap, and spreads similar names (svc-a, svc-b) apart. */
function hash(name: string): number {
  let value = 0x811c9dc5;
  for (let index = 0; index < name.length; index++) {
    value ^= name.charCodeAt(index);
    value = Math.imul(value, 0x01000193) >>> 0;
  }
  return value;
}

export function serviceColor(name: string): string {
  return PALETTE[hash(name) % PALETTE.length]!;
}

/** Colours for the services shown together: distinct while there are no more services than colours. */
export function serviceColors(names: Iterable<string>): Map<string, string> {
  const colors = new Map<string, string>();
  const taken = new Set<number>();
  for (const name of [...new Set(names)].sort()) {
    let slot = hash(name) % PALETTE.length;
    if (taken.size < PALETTE.length) while (taken.has(slot)) slot = (slot + 1) % PALETTE.length;
    taken.add(slot);
    colors.set(name, PALETTE[slot]!);
  }
  return colors;
}

export const ERROR_COLOR = '#c62828';
