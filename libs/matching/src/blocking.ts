/**
 * Blocking: only records that share at least one blocking key (birth date, a phonetic name key with
 * the district, an identifier...) are compared. Several keys are used together (a pair is a
 * candidate when any key agrees), so one corrupted field does not hide a match. Oversized blocks
 * (a key too common to discriminate) are skipped and counted.
 */
export type BlockingKey<R> = (record: R) => string | null;

export interface Candidates {
  /** Pairs of record indexes, each pair once (i < j for deduplication). */
  pairs: Array<[number, number]>;
  skippedBlocks: number;
}

function group<R>(records: ReadonlyArray<R>, key: BlockingKey<R>): Map<string, number[]> {
  const blocks = new Map<string, number[]>();
  records.forEach((r, i) => {
    const k = key(r);
    if (k === null || k === '') return;
    const list = blocks.get(k);
    if (list) list.push(i);
    else blocks.set(k, [i]);
  });
  return blocks;
}

/** Candidate pairs within one list (deduplication). */
export function dedupCandidates<R>(records: ReadonlyArray<R>, keys: ReadonlyArray<BlockingKey<R>>, maxBlock = 1000): Candidates {
  const seen = new Set<number>();
  const pairs: Array<[number, number]> = [];
  let skippedBlocks = 0;
  const n = records.length;
  for (const key of keys) {
    for (const members of group(records, key).values()) {
      if (members.length > maxBlock) {
        skippedBlocks += 1;
        continue;
      }
      for (let x = 0; x < members.length; x++) {
        for (let y = x + 1; y < members.length; y++) {
          const id = members[x] * n + members[y];
          if (seen.has(id)) continue;
          seen.add(id);
          pairs.push([members[x], members[y]]);
        }
      }
    }
  }
  return { pairs, skippedBlocks };
}

/** Candidate pairs between two lists (linkage): [index in left, index in right]. */
export function linkCandidates<L, Rt>(left: ReadonlyArray<L>, right: ReadonlyArray<Rt>, keys: ReadonlyArray<[BlockingKey<L>, BlockingKey<Rt>]>, maxBlock = 1000): Candidates {
  const seen = new Set<number>();
  const pairs: Array<[number, number]> = [];
  let skippedBlocks = 0;
  for (const [keyL, keyR] of keys) {
    const blocksR = group(right, keyR);
    for (const [k, members] of group(left, keyL)) {
      const others = blocksR.get(k);
      if (!others) continue;
      if (members.length * others.length > maxBlock * maxBlock) {
        skippedBlocks += 1;
        continue;
      }
      for (const i of members) {
        for (const j of others) {
          const id = i * right.length + j;
          if (seen.has(id)) continue;
          seen.add(id);
          pairs.push([i, j]);
        }
      }
    }
  }
  return { pairs, skippedBlocks };
}

/** Clusters (connected components) of the accepted pairs, by union-find; singletons included. */
export function clusters(size: number, pairs: ReadonlyArray<readonly [number, number]>): number[][] {
  const parent = Array.from({ length: size }, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  };
  for (const [a, b] of pairs) {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
  const groups = new Map<number, number[]>();
  for (let i = 0; i < size; i++) {
    const r = find(i);
    const list = groups.get(r);
    if (list) list.push(i);
    else groups.set(r, [i]);
  }
  return [...groups.values()];
}

/**
 * One-to-one assignment for linkage between two lists: pairs are taken best first, and a pair is
 * dropped when either of its records is already taken. Returns the kept pairs, best first.
 */
export function oneToOne<P extends { left: number; right: number }>(pairs: ReadonlyArray<P>, probabilityOf: (pair: P) => number): P[] {
  const usedL = new Set<number>();
  const usedR = new Set<number>();
  const kept: P[] = [];
  for (const p of [...pairs].sort((a, b) => probabilityOf(b) - probabilityOf(a))) {
    if (usedL.has(p.left) || usedR.has(p.right)) continue;
    usedL.add(p.left);
    usedR.add(p.right);
    kept.push(p);
  }
  return kept;
}
