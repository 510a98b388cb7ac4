import type { FamilyState, FieldChange } from '@satupintu/contracts';
import { sameJson } from './record-parts';

/**
 * Field-level differences between two states of a family. Members are matched by person id, so a
 * path reads `members.<personId>.name`; an added or removed member shows as its fields appearing or going.
 */
export function diffFamily(before: FamilyState | null, after: FamilyState | null): FieldChange[] {
  const a = flatten(before);
  const b = flatten(after);
  const changes: FieldChange[] = [];
  for (const [path, value] of b) {
    if (!a.has(path)) changes.push({ path, after: value });
    else if (!same(a.get(path), value)) changes.push({ path, before: a.get(path), after: value });
  }
  for (const [path, value] of a) if (!b.has(path)) changes.push({ path, before: value });
  return changes;
}

function flatten(state: FamilyState | null): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (!state) return out;
  out.set('kk', state.kk);
  for (const [k, v] of Object.entries(state.address)) if (v !== undefined) out.set(`address.${k}`, v);
  for (const [k, v] of Object.entries(state.attributes ?? {})) if (v !== undefined) out.set(`attributes.${k}`, v);
  for (const m of state.members) {
    const { personId, attributes, ...fields } = m;
    for (const [k, v] of Object.entries(fields)) out.set(`members.${personId}.${k}`, v);
    for (const [k, v] of Object.entries(attributes ?? {})) if (v !== undefined) out.set(`members.${personId}.attributes.${k}`, v);
  }
  return out;
}

function same(x: unknown, y: unknown): boolean {
  return sameJson(x, y);
}
