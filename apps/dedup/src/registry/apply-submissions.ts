import type { ChangeCause, FamilyRecord, FamilyState, FieldChange, MemberAttributes, MemberRecord, MemberState, PairScore, Provenance } from '@satupintu/contracts';
import { diffFamily, familyAttributes, memberAttributes, regionPathOf, sameJson } from '@satupintu/domain';
import { compareNames, normaliseName } from '@satupintu/matching';
import { goldenRecord, type Observation } from './golden-record';

/** A person's golden values as stored in the registry. */
export interface PersonRow {
  id: string;
  nik: string | null;
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
  /** Active persons by NIK. */
  personsByNik: Map<string, PersonRow>;
  /** Active persons by id (every person of the loaded families, and those found by NIK). */
  personsById: Map<string, PersonRow>;
  /** Active membership of each loaded person. */
  membershipOf: Map<string, { familyId: string; relationship: number }>;
}

export interface ValidatedSubmission {
  eventId: string;
  recordId: string;
  revision: number;
  family: FamilyRecord;
  correlationId?: string;
  provenance?: Provenance;
  /** The day the family was recorded in the field (carried to the change's cause). */
  collectedOn?: string;
  /** Match only: what the registry would do, never saved. */
  dryRun?: boolean;
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
  /** null: a person without a family (a record without KK). */
  familyId: string | null;
  familyVersion: number | null;
  changed: boolean;
  sourceEventId: string;
  correlationId?: string;
  /** Per member of the record, in order: who it became and how. */
  members: MemberResolution[];
  /** A new person without a family: indexed for matching with the village of the record. */
  loose?: { personId: string; villageCode: string };
}

export interface MemberResolution {
  personId: string;
  resolution: 'nik' | 'family' | 'new' | 'merge' | 'review';
  candidateId?: string;
}

/** A recorded version of a person, kept so that golden records can be recomputed (merge, unmerge). */
export interface ObservationRow extends Observation {
  personId: string;
  familyId: string | null;
  source: { type: 'submission'; recordId: string; revision: number; claimedNik?: string; list?: string; jobId?: string; fileSha256?: string; row?: number; correctionRequestId?: string };
}

/** What probabilistic matching (done before the batch, against the index) found for one member. */
export interface MatchPlan {
  candidateId: string;
  decision: 'merge' | 'review';
  match: PairScore;
}

export interface Suspicion {
  /** The person already in the registry. */
  existingId: string;
  /** The person this batch created. */
  newId: string;
  reason: 'probable-match' | 'nik-conflict';
  match: PairScore;
  villageCode: string;
  merge: boolean;
}

/**
 * Pairs a re-recorded family's incoming members (null: already placed by NIK) with its current
 * members: per incoming member, the index of its current member or null.
 */
export type FamilyAssigner = (incoming: ReadonlyArray<MemberRecord | null>, current: ReadonlyArray<MemberState>) => Array<number | null>;

export interface ApplyOptions {
  /** How members of the same KK are recognised (default: `exactFamilyAssigner`). */
  assignFamily?: FamilyAssigner;
  /** Match plans by `submissionIndex:memberIndex`. */
  plans?: ReadonlyMap<string, MatchPlan>;
  /** Whether a NIK found in the registry belongs to someone else (the score, for review), or null. */
  nikConflict?: (holder: PersonRow, member: MemberRecord) => PairScore | null;
  /** Timestamp of the observations (ISO). */
  now?: string;
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
  observations: ObservationRow[];
  /** Pairs to merge automatically (after the batch is saved) or to review. */
  suspicions: Suspicion[];
}

/** Where an observation comes from: the submission, the NIK it claimed (when held by someone else), the list's row. */
function sourceOf(s: ValidatedSubmission, member: number, claimedNik: string | undefined): ObservationRow['source'] {
  return {
    type: 'submission',
    recordId: s.recordId,
    revision: s.revision,
    ...(claimedNik !== undefined ? { claimedNik } : {}),
    ...(s.provenance && 'list' in s.provenance ? { list: s.provenance.list, jobId: s.provenance.jobId, fileSha256: s.provenance.fileSha256, row: s.provenance.rows[member] } : {}),
    ...(s.provenance && 'correctionRequestId' in s.provenance ? { correctionRequestId: s.provenance.correctionRequestId } : {}),
  };
}

/** The key of one member in match plans. */
export const planKey = (submission: number, member: number) => `${submission}:${member}`;

/**
 * Whether the record of a member without a usable NIK is a member already in the family: the same
 * birth date and sex, a name equal after normalisation and spelling folding, and no NIK that says
 * otherwise. (A family re-recorded with its newborn is the everyday case.)
 */
export function sameMemberInFamily(m: MemberRecord, existing: MemberState, nik: string | null): boolean {
  if (existing.birthDate !== m.birthDate || existing.sex !== m.sex) return false;
  if (nik !== null && existing.nik !== null && existing.nik !== nik) return false;
  const level = compareNames(normaliseName(m.name), normaliseName(existing.name));
  return level === 0 || level === 1;
}

/** The strict assigner: a current member with the same birth date and sex and the same name after normalisation and spelling folding. */
export const exactFamilyAssigner: FamilyAssigner = (incoming, current) => {
  const used = new Set<number>();
  return incoming.map((m) => {
    if (!m) return null;
    const j = current.findIndex((x, k) => !used.has(k) && sameMemberInFamily(m, x, m.nik ?? null));
    if (j < 0) return null;
    used.add(j);
    return j;
  });
};

/**
 * Applies validated submissions, in order, to a snapshot of the registry. Each member is resolved
 * to a person: by NIK (unless the NIK's holder differs in name, birth date and sex: a conflict); else
 * by family context (a member of the same KK with the same name, birth date and sex); else a new
 * person, with the probabilistic match found before the batch (merge or review) recorded as a
 * suspicion. Same KK, same family; a person recorded under another KK moves (a new KK taking
 * members is a family split). Golden values follow `goldenRecord`. Pure: ids come from `newId`.
 */
export function applySubmissions(snapshot: RegistrySnapshot, submissions: ValidatedSubmission[], newId: () => string, options: ApplyOptions = {}): AppliedBatch {
  const families = new Map(snapshot.families);
  const familyIdByKk = new Map(snapshot.familyIdByKk);
  const personsByNik = new Map(snapshot.personsByNik);
  const personsById = new Map(snapshot.personsById);
  const membershipOf = new Map(snapshot.membershipOf);
  const initialMembership = new Map(snapshot.membershipOf);
  const now = options.now ?? new Date().toISOString();
  const out: AppliedBatch = {
    changes: [],
    registrations: [],
    families: new Map(),
    persons: new Map(),
    newPersonIds: new Set(),
    newFamilyIds: new Set(),
    memberships: new Map(),
    observations: [],
    suspicions: [],
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
  /**
   * A new person's suspicion, if any (a NIK held by someone else: review; a probable match found
   * before the batch: merge or review), and how the member was resolved.
   */
  const suspect = (person: PersonRow, conflict: { holder: PersonRow; match: PairScore } | null, plan: MatchPlan | undefined, villageCode: string): MemberResolution => {
    if (conflict) {
      out.suspicions.push({ existingId: conflict.holder.id, newId: person.id, reason: 'nik-conflict', match: conflict.match, villageCode, merge: false });
      return { personId: person.id, resolution: 'review', candidateId: conflict.holder.id };
    }
    if (plan && plan.candidateId !== person.id) {
      out.suspicions.push({ existingId: plan.candidateId, newId: person.id, reason: 'probable-match', match: plan.match, villageCode, merge: plan.decision === 'merge' });
      return { personId: person.id, resolution: plan.decision, candidateId: plan.candidateId };
    }
    return { personId: person.id, resolution: 'new' };
  };
  const store = (person: PersonRow) => {
    personsById.set(person.id, person);
    if (person.nik !== null) personsByNik.set(person.nik, person);
    out.persons.set(person.id, person);
  };

  /**
   * A person without a KK (an agency list's row): found by NIK, or new with the probabilistic match
   * recorded as a suspicion (an automatic merge joins them to the person found). No family changes:
   * the observation is kept (with its provenance), the golden record of a person found is left as it
   * is (a list without a KK is weaker evidence than a family record), and a new person has no family.
   */
  const applyWithoutKk = (s: ValidatedSubmission, si: number, villageCode: string) => {
    const m = s.family.members[0];
    const attributes = memberAttributes(m);
    const incoming: Observation = { nik: m.nik ?? null, name: m.name, sex: m.sex, birthDate: m.birthDate, attributes, observedAt: now };
    const holder = m.nik !== undefined ? personsByNik.get(m.nik) : undefined;
    const conflict = holder ? options.nikConflict?.(holder, m) ?? null : null;
    let person: PersonRow;
    let resolution: MemberResolution;
    if (holder && conflict === null) {
      person = holder;
      resolution = { personId: holder.id, resolution: 'nik' };
    } else {
      if (conflict) incoming.nik = null;
      person = { id: newId(), ...goldenRecord([incoming]), version: 1 };
      out.newPersonIds.add(person.id);
      store(person);
      resolution = suspect(person, conflict && holder ? { holder, match: conflict } : null, options.plans?.get(planKey(si, 0)), villageCode);
    }
    const familyId = membershipOf.get(person.id)?.familyId ?? null;
    out.observations.push({
      ...incoming,
      personId: person.id,
      familyId,
      source: sourceOf(s, 0, conflict ? m.nik : undefined),
    });
    const family = familyId ? families.get(familyId) : undefined;
    out.registrations.push({
      recordId: s.recordId,
      revision: s.revision,
      familyId,
      familyVersion: family?.version ?? null,
      changed: out.newPersonIds.has(person.id),
      sourceEventId: s.eventId,
      correlationId: s.correlationId,
      members: [resolution],
      ...(out.newPersonIds.has(person.id) ? { loose: { personId: person.id, villageCode } } : {}),
    });
  };

  submissions.forEach((s, si) => {
    const path = regionPathOf(s.family.address.villageCode);
    if (!path) throw new Error('validated family without a well-formed village code');
    if (s.family.withoutKk) return applyWithoutKk(s, si, path.villageCode);
    let familyId = familyIdByKk.get(s.family.kk);
    if (!familyId) {
      familyId = newId();
      familyIdByKk.set(s.family.kk, familyId);
      out.newFamilyIds.add(familyId);
    }
    const before = families.get(familyId) ?? null;
    const cause: ChangeCause = { type: 'submission', recordId: s.recordId, revision: s.revision, ...(s.collectedOn ? { collectedOn: s.collectedOn } : {}) };
    const taken = new Set<string>();
    /** Persons this record takes from other families, by the family they leave. */
    const leaving = new Map<string, string[]>();

    // First by NIK (unless its holder conflicts), then the rest by family assignment.
    const byNik: Array<PersonRow | undefined> = [];
    const conflicts: Array<{ holder: PersonRow; match: PairScore } | null> = [];
    const nikTaken = new Set<string>();
    s.family.members.forEach((m, mi) => {
      conflicts[mi] = null;
      const holder = m.nik !== undefined ? personsByNik.get(m.nik) : undefined;
      if (!holder || nikTaken.has(holder.id)) return;
      const score = options.nikConflict?.(holder, m) ?? null;
      if (score === null) {
        byNik[mi] = holder;
        nikTaken.add(holder.id);
      } else conflicts[mi] = { holder, match: score };
    });
    const currentLeft = (before?.members ?? []).filter((x) => !nikTaken.has(x.personId));
    const assigned = currentLeft.length === 0
      ? []
      : (options.assignFamily ?? exactFamilyAssigner)(
          s.family.members.map((m, mi) => (byNik[mi] ? null : conflicts[mi] ? { ...m, nik: undefined } : m)),
          currentLeft,
        );

    const members: MemberState[] = [];
    const resolved: MemberResolution[] = [];
    s.family.members.forEach((m, mi) => {
      const attributes = memberAttributes(m);
      const incoming: Observation = { nik: m.nik ?? null, name: m.name, sex: m.sex, birthDate: m.birthDate, attributes, observedAt: now };
      let person: PersonRow | undefined = byNik[mi];
      let resolution: MemberResolution = { personId: '', resolution: person ? 'nik' : 'family' };
      const conflict = conflicts[mi];
      if (conflict) incoming.nik = null; // the NIK stays with its holder until a reviewer decides
      if (!person) {
        const j = assigned[mi];
        const existing = j !== null && j !== undefined ? currentLeft[j] : undefined;
        if (existing && !taken.has(existing.personId)) person = personsById.get(existing.personId);
      }

      if (!person) {
        const golden = goldenRecord([incoming]);
        person = { id: newId(), ...golden, version: 1 };
        out.newPersonIds.add(person.id);
        store(person);
        resolution = suspect(person, conflict, options.plans?.get(planKey(si, mi)), path.villageCode);
      } else {
        const current: Observation = { ...person, observedAt: '' };
        const golden = goldenRecord([current, incoming]);
        if (golden.nik !== person.nik || golden.name !== person.name || golden.sex !== person.sex || golden.birthDate !== person.birthDate || !sameJson(golden.attributes, person.attributes)) {
          const updated: PersonRow = { ...person, ...golden, version: out.newPersonIds.has(person.id) ? 1 : person.version + 1 };
          store(updated);
          person = updated;
        }
      }
      taken.add(person.id);
      resolved.push({ ...resolution, personId: person.id });
      if (out.persons.has(person.id)) {
        out.observations.push({
          ...incoming,
          personId: person.id,
          familyId,
          source: sourceOf(s, mi, conflict ? m.nik : undefined),
        });
      }

      const current = membershipOf.get(person.id);
      if (current && current.familyId !== familyId) {
        leaving.set(current.familyId, [...(leaving.get(current.familyId) ?? []), person.id]);
      }
      membershipOf.set(person.id, { familyId, relationship: m.relationship });
      members.push({ personId: person.id, nik: person.nik, name: person.name, sex: person.sex, birthDate: person.birthDate, relationship: m.relationship, attributes: person.attributes });
    });
    // The families they leave change too, once each (a split when the receiving KK is new).
    for (const [fromId, personIds] of leaving) {
      const from = families.get(fromId);
      if (!from) continue;
      const left = { ...from, members: from.members.filter((x) => !personIds.includes(x.personId)) };
      const why: ChangeCause = out.newFamilyIds.has(familyId) && !before
        ? { type: 'family-split', recordId: s.recordId, newFamilyId: familyId }
        : { type: 'member-moved', recordId: s.recordId, toFamilyId: familyId };
      record(from, left, why, s.correlationId);
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
      members: resolved,
    });
  });

  for (const [personId, m] of membershipOf) {
    const was = initialMembership.get(personId);
    if (!was || was.familyId !== m.familyId || was.relationship !== m.relationship) out.memberships.set(personId, m);
  }
  for (const personId of initialMembership.keys()) if (!membershipOf.has(personId)) out.memberships.set(personId, null);
  return out;
}
