import type { FamilyChangedV1, FamilyRecord, FamilyState, FamilyValidatedV1 } from '@satupintu/contracts';
import { randomUUID } from 'node:crypto';

/** A registry state for tests: `members` birth dates decide ages; ids are fresh unless given. */
export function familyState(village: string, birthDates: string[], familyId: string = randomUUID(), personIds?: string[]): FamilyState {
  const [p, r, d] = village.split('.');
  return {
    familyId,
    kk: `${p}${r}${d}0101200001`,
    version: 1,
    address: { villageCode: village, districtCode: `${p}.${r}.${d}`, regencyCode: `${p}.${r}`, provinceCode: p, rt: '001', rw: '001' },
    members: birthDates.map((b, i) => ({ personId: personIds?.[i] ?? randomUUID(), nik: null, name: `Orang ${i}`, sex: 'M' as const, birthDate: b, relationship: i === 0 ? 1 : 4, attributes: {} })),
    attributes: {},
  };
}

/** A family-changed event from `before` to `after` (version = after's or before's + 1). */
export function familyChanged(before: FamilyState | null, after: FamilyState | null): FamilyChangedV1 {
  const familyId = (after ?? before)!.familyId;
  const version = after?.version ?? (before?.version ?? 0) + 1;
  return {
    eventId: randomUUID(),
    occurredAt: new Date().toISOString(),
    familyId,
    version,
    cause: { type: 'submission', recordId: randomUUID(), revision: 1 },
    before,
    after,
    diff: [],
  };
}

/** A family-validated event for a family record, as the validation service would send it. */
export function validatedEvent(family: FamilyRecord): FamilyValidatedV1 {
  const now = new Date().toISOString();
  return { eventId: randomUUID(), occurredAt: now, recordId: randomUUID(), revision: 1, receivedAt: now, ruleSetVersion: 'test', family, warnings: [] };
}
