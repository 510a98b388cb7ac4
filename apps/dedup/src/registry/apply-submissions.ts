import type { ChangeCause, FamilyRecord, FamilyState, FieldChange, MemberAttributes, MemberState } from '@satupintu/contracts';
import { diffFamily, familyAttributes, memberAttributes, regionPathOf, sameJson } from '@satupintu/domain';

/** A person's golden values as stored in the registry. */
export interface PersonRow {
  id: string;
  nik: string;
  name: string;
  sex: 'M' | 'F';
  birthDate: string;
  attributes: MemberAttributes;
  version: number;
}

/** The registry rows a batch can touch, loaded (and locked) before applying it. */
export interface RegistrySnapshot {
  families: Map<string, FamilyState>;
  familyIdByKk: Map<string, string>;
  personsByNik: Map<string, PersonRow>;
  /** Active membership of each loaded person. */
  membershipOf: Map<string, { familyId: string; relationship: number }>;
}

export interface ValidatedSubmission {
  eventId: string;
  recordId: string;
  revision: number;
  family: FamilyRecord;
  correlationId?: string;
}

export interface FamilyChange {
  familyId: string;
  version: number;
  cause: ChangeCause;
  before: FamilyState | null;
  after: FamilyState;
  diff: FieldChange[];
  correlationId?: string;
}

export interface Registration {
  recordId: string;
  revision: number;
  familyId: string;
  familyVersion: number;
  changed: boolean;
  sourceEventId: string;
  correlationId?: string;
}

export interface AppliedBatch {
  changes: FamilyChange[];
  registrations: Registration[];
  /** Final state of every family that changed. */
  families: Map<string, FamilyState>;
  /** Persons created or whose golden values changed. */
  persons: Map<string, PersonRow>;
  newPersonIds: Set<string>;
  newFamilyIds: Set<string>;
  /** Final membership of every person whose membership changed (null: no active membership). */
  memberships: Map<string, { familyId: string; relationship: number } | null>;
}

/**
 * Applies validated submissions, in order, to a snapshot of the registry: exact matching by KK
 * (same KK, same family) and by NIK (same NIK, same person; a NIK seen in another KK moves the
 * person, which changes both families). Pure: ids come from `newId`, nothing is read or written.
 */
export function applySubmissions(snapshot: RegistrySnapshot, submissions: ValidatedSubmission[], newId: () => string): AppliedBatch {
  const families = new Map(snapshot.families);
  const familyIdByKk = new Map(snapshot.familyIdByKk);
  const personsByNik = new Map(snapshot.personsByNik);
  const membershipOf = new Map(snapshot.membershipOf);
  const initialMembership = new Map(snapshot.membershipOf);
  const out: AppliedBatch = {
    changes: [],
    registrations: [],
    families: new Map(),
    persons: new Map(),
    newPersonIds: new Set(),
    newFamilyIds: new Set(),
    memberships: new Map(),
  };

  const record = (before: FamilyState | null, after: FamilyState, cause: ChangeCause, correlationId?: string): FamilyState => {
    const diff = diffFamily(before, after);
    if (diff.length === 0 && before !== null) return before;
    const versioned = { ...after, version: (before?.version ?? 0) + 1 };
    families.set(versioned.familyId, versioned);
    out.families.set(versioned.familyId, versioned);
    out.changes.push({ familyId: versioned.familyId, version: versioned.version, cause, before, after: versioned, diff, correlationId });
    return versioned;
  };

  for (const s of submissions) {
    const path = regionPathOf(s.family.address.villageCode);
    if (!path) throw new Error('validated family without a well-formed village code');
    let familyId = familyIdByKk.get(s.family.kk);
    if (!familyId) {
      familyId = newId();
      familyIdByKk.set(s.family.kk, familyId);
      out.newFamilyIds.add(familyId);
    }
    const before = families.get(familyId) ?? null;
    const cause: ChangeCause = { type: 'submission', recordId: s.recordId, revision: s.revision };

    const members: MemberState[] = [];
    for (const m of s.family.members) {
      let person = personsByNik.get(m.nik);
      const attributes = memberAttributes(m);
      if (!person) {
        person = { id: newId(), nik: m.nik, name: m.name, sex: m.sex, birthDate: m.birthDate, attributes, version: 1 };
        out.newPersonIds.add(person.id);
        personsByNik.set(m.nik, person);
        out.persons.set(person.id, person);
      } else if (person.name !== m.name || person.sex !== m.sex || person.birthDate !== m.birthDate || !sameJson(person.attributes, attributes)) {
        // Golden values: the most recent accepted submission wins (the rule the dedup issue refines).
        person = { ...person, name: m.name, sex: m.sex, birthDate: m.birthDate, attributes, version: person.version + 1 };
        if (out.newPersonIds.has(person.id)) person.version = 1;
        personsByNik.set(m.nik, person);
        out.persons.set(person.id, person);
      }
      const current = membershipOf.get(person.id);
      if (current && current.familyId !== familyId) {
        // The person moves: the family they leave changes too.
        const from = families.get(current.familyId);
        if (from) {
          const left = { ...from, members: from.members.filter((x) => x.personId !== person!.id) };
          record(from, left, { type: 'member-moved', recordId: s.recordId, toFamilyId: familyId }, s.correlationId);
        }
      }
      membershipOf.set(person.id, { familyId, relationship: m.relationship });
      members.push({ personId: person.id, nik: person.nik, name: person.name, sex: person.sex, birthDate: person.birthDate, relationship: m.relationship, attributes: person.attributes });
    }
    // Members of the family's previous state who are not in this record leave it.
    for (const old of before?.members ?? []) {
      if (!members.some((m) => m.personId === old.personId) && membershipOf.get(old.personId)?.familyId === familyId) {
        membershipOf.delete(old.personId);
      }
    }
    const after: FamilyState = {
      familyId,
      kk: s.family.kk,
      version: before?.version ?? 1,
      address: { ...path, rt: s.family.address.rt, rw: s.family.address.rw, ...(s.family.address.street !== undefined ? { street: s.family.address.street } : {}) },
      members,
      attributes: familyAttributes(s.family),
    };
    const result = record(before, after, cause, s.correlationId);
    out.registrations.push({
      recordId: s.recordId,
      revision: s.revision,
      familyId,
      familyVersion: result.version,
      changed: result !== before,
      sourceEventId: s.eventId,
      correlationId: s.correlationId,
    });
  }

  for (const [personId, m] of membershipOf) {
    const was = initialMembership.get(personId);
    if (!was || was.familyId !== m.familyId || was.relationship !== m.relationship) out.memberships.set(personId, m);
  }
  for (const personId of initialMembership.keys()) if (!membershipOf.has(personId)) out.memberships.set(personId, null);
  return out;
}
