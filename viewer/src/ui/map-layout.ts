// A layered layout for the service map: callers left of what they call. Each node's layer is its longest
// path from a node nobody calls (edges that close a cycle are ignored for layering); nodes in a layer are
// ordered by the mean position of their callers to keep edges short. No DOM here.

export interface MapEdgeIn {
  readonly from: string;
  readonly to: string;
}

export interface PlacedNode {
  readonly name: string;
  readonly layer: number;
  readonly x: number;
  readonly y: number;
}

export interface MapLayout {
  readonly nodes: Map<string, PlacedNode>;
  readonly width: number;
  readonly height: number;
}

export interface Spacing {
  readonly columnWidth: number;
  readonly rowHeight: number;
  readonly margin: number;
}

export function layoutMap(names: readonly string[], edges: readonly MapEdgeIn[], spacing: Spacing = { columnWidth: 240, rowHeight: 90, margin: 40 }): MapLayout {
  const all = [...new Set([...names, ...edges.flatMap((edge) => [edge.from, edge.to])])].sort();
  const out = new Map<string, string[]>(all.map((name) => [name, []]));
  for (const edge of edges) if (edge.from !== edge.to) out.get(edge.from)!.push(edge.to);

  // Depth-first search from the sources (then from anything left) to find the edges that close cycles.
  const state = new Map<string, 'open' | 'done'>();
  const back = new Set<string>();
  const incoming = new Map<string, number>(all.map((name) => [name, 0]));
  for (const targets of out.values()) for (const target of targets) incoming.set(target, incoming.get(target)! + 1);
  const starts = [...all.filter((name) => incoming.get(name) === 0), ...all];
  for (const start of starts) {
    if (state.has(start)) continue;
    const stack: { name: string; next: number }[] = [{ name: start, next: 0 }];
    state.set(start, 'open');
    while (stack.length > 0) {
      const top = stack.at(-1)!;
      const targets = out.get(top.name)!;
      if (top.next >= targets.length) {
        state.set(top.name, 'done');
        stack.pop();
        continue;
      }
      const target = targets[top.next++]!;
      const seen = state.get(target);
      if (seen === 'open') back.add(`${top.name}\u0000${target}`);
      else if (seen === undefined) {
        state.set(target, 'open');
        stack.push({ name: target, next: 0 });
      }
    }
  }

  // Longest path over the acyclic rest, in topological order (Kahn).
  const forward = new Map<string, string[]>(all.map((name) => [name, out.get(name)!.filter((target) => !back.has(`${name}\u0000${target}`))]));
  const indegree = new Map<string, number>(all.map((name) => [name, 0]));
  for (const targets of forward.values()) for (const target of targets) indegree.set(target, indegree.get(target)! + 1);
  const layer = new Map<string, number>(all.map((name) => [name, 0]));
  const queue = all.filter((name) => indegree.get(name) === 0);
  for (let index = 0; index < queue.length; index++) {
    const name = queue[index]!;
    for (const target of forward.get(name)!) {
      layer.set(target, Math.max(layer.get(target)!, layer.get(name)! + 1));
      indegree.set(target, indegree.get(target)! - 1);
      if (indegree.get(target) === 0) queue.push(target);
    }
  }

  const layers: string[][] = [];
  for (const name of all) (layers[layer.get(name)!] ??= []).push(name);
  const position = new Map<string, number>();
  const callers = new Map<string, string[]>(all.map((name) => [name, []]));
  for (const [name, targets] of forward) for (const target of targets) callers.get(target)!.push(name);
  layers.forEach((members, depth) => {
    if (depth > 0) {
      const mean = (name: string): number => {
        const from = callers.get(name)!.filter((caller) => position.has(caller));
        return from.length === 0 ? Number.POSITIVE_INFINITY : from.reduce((sum, caller) => sum + position.get(caller)!, 0) / from.length;
      };
      members.sort((a, b) => mean(a) - mean(b) || a.localeCompare(b));
    }
    members.forEach((name, index) => position.set(name, index));
  });

  const tallest = Math.max(1, ...layers.map((members) => members.length));
  const nodes = new Map<string, PlacedNode>();
  layers.forEach((members, depth) => {
    const offset = ((tallest - members.length) * spacing.rowHeight) / 2;
    members.forEach((name, index) => nodes.set(name, { name, layer: depth, x: spacing.margin + depth * spacing.columnWidth, y: spacing.margin + offset + index * spacing.rowHeight }));
  });
  return { nodes, width: spacing.margin * 2 + Math.max(0, layers.length - 1) * spacing.columnWidth, height: spacing.margin * 2 + (tallest - 1) * spacing.rowHeight };
}
