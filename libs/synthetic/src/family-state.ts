import type { FamilyRecord, FamilyState } from '@satupintu/contracts';
import { familyAttributes, memberAttributes, regionPathOf } from '@satupintu/domain';
import { randomUUID } from 'node:crypto';

/** A generated family record as the registry would hold it (version 1, fresh ids): for benchmarks that skip intake. */
export function toFamilyState(f: FamilyRecord): FamilyState {
  return {
    familyId: randomUUID(),
    kk: f.kk,
    version: 1,
    address: { ...regionPathOf(f.address.villageCode)!, rt: f.address.rt, rw: f.address.rw },
    members: f.members.map((m) => ({ personId: randomUUID(), nik: m.nik ?? null, name: m.name, sex: m.sex, birthDate: m.birthDate, relationship: m.relationship, attributes: memberAttributes(m) })),
    attributes: familyAttributes(f),
  };
}
