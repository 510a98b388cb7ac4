import type { FamilyAttributes, FamilyRecord, MemberAttributes, MemberRecord } from '@satupintu/contracts';
import stringify from 'safe-stable-stringify';

/** Everything a member record says beyond identity and relationship. */
export function memberAttributes(m: MemberRecord): MemberAttributes {
  const { nik, name, sex, birthDate, relationship, ...rest } = m;
  return dropUndefined(rest);
}

/** Everything a family record says beyond KK, address and members. */
export function familyAttributes(f: FamilyRecord): FamilyAttributes {
  const { kk, address, members, ...rest } = f;
  return dropUndefined(rest);
}

/** Equality of JSON values regardless of key order. */
export function sameJson(a: unknown, b: unknown): boolean {
  return a === b || stringify(a) === stringify(b);
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
