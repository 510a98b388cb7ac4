import type { FamilyState, RegionLevel } from '@satupintu/contracts';
import { ancestry, parentOf } from '@satupintu/domain';

export interface RegionDelta {
  level: RegionLevel;
  parentCode: string | null;
  families: number;
  persons: number;
}

const LEVELS: RegionLevel[] = ['village', 'district', 'regency', 'province', 'country'];

/**
 * Count changes per region implied by family changes: the state before is taken out of its region
 * and every ancestor, the state after is added. A family that moves between villages therefore
 * moves in the numbers; an event applied once (inbox) is counted once.
 */
export function regionDeltas(changes: Array<{ before: FamilyState | null; after: FamilyState | null }>): Map<string, RegionDelta> {
  const deltas = new Map<string, RegionDelta>();
  const add = (state: FamilyState, sign: 1 | -1) => {
    ancestry(state.address).forEach((code, i) => {
      const d = deltas.get(code) ?? { level: LEVELS[i], parentCode: parentOf(code), families: 0, persons: 0 };
      d.families += sign;
      d.persons += sign * state.members.length;
      deltas.set(code, d);
    });
  };
  for (const c of changes) {
    if (c.before) add(c.before, -1);
    if (c.after) add(c.after, 1);
  }
  for (const [code, d] of deltas) if (d.families === 0 && d.persons === 0) deltas.delete(code);
  return deltas;
}
