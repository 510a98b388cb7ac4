import type { ChangeCause, FamilyState, MemberState, MergeDecider, PairScore } from '@satupintu/contracts';
import { diffFamily } from '@satupintu/domain';
import { randomUUID } from 'node:crypto';
import type { PersonRow } from './apply-submissions';
import { goldenRecord, type Observation } from './golden-record';
import type { RegistryRepository, RegistryWrite } from './registry.repository';

type Membership = { familyId: string; relationship: number };

export interface MergeOutcome {
  mergeId: string;
  survivorId: string;
  mergedId: string;
  write: RegistryWrite;
}

const emptyWrite = (): RegistryWrite => ({ changes: [], families: new Map(), persons: new Map(), memberships: new Map() });

/** Records a family's new state in `write` when it differs (version + 1, diff, cause). */
function change(write: RegistryWrite, before: FamilyState, members: MemberState[], cause: ChangeCause): void {
  const after = { ...before, members };
  const diff = diffFamily(before, after);
  if (diff.length === 0) return;
  const versioned = { ...after, version: before.version + 1 };
  write.families.set(versioned.familyId, versioned);
  write.changes.push({ familyId: versioned.familyId, version: versioned.version, cause, before, after: versioned, diff });
}

const memberOf = (p: PersonRow, relationship: number): MemberState => ({
  personId: p.id,
  nik: p.nik,
  name: p.name,
  sex: p.sex,
  birthDate: p.birthDate,
  relationship,
  attributes: p.attributes,
});

const latest = (obs: ReadonlyArray<Observation>) => obs.reduce((max, o) => (o.observedAt > max ? o.observedAt : max), '');

/**
 * Merges `mergedId` into `survivorId` (both must be active). The survivor's golden record is
 * recomputed from the observations of both; the person seen most recently keeps their family (the
 * other family loses the member); the merged person stays as a record pointing at the survivor,
 * so that an unmerge can restore it. Returns null when either is no longer active.
 */
export async function mergePersons(
  repo: RegistryRepository,
  req: { survivorId: string; mergedId: string; decidedBy: MergeDecider; match: PairScore | null },
): Promise<MergeOutcome | null> {
  const persons = await repo.lockPersons([req.survivorId, req.mergedId]);
  const survivor = persons.get(req.survivorId);
  const merged = persons.get(req.mergedId);
  if (!survivor || !merged || survivor.mergedInto !== null || merged.mergedInto !== null || survivor.id === merged.id) return null;

  const memberships = await repo.membershipsOf([survivor.id, merged.id]);
  const ms = memberships.get(survivor.id) ?? null;
  const mm = memberships.get(merged.id) ?? null;
  const families = await repo.lockFamilies([ms?.familyId, mm?.familyId].filter((x): x is string => !!x));
  const [clusterS, clusterM] = [await repo.cluster(survivor.id), await repo.cluster(merged.id)];
  const observations = await repo.observationsOf([...clusterS, ...clusterM]);
  const inM = new Set(clusterM);
  const mergedIsNewer = latest(observations.filter((o) => inM.has(o.personId))) > latest(observations.filter((o) => !inM.has(o.personId)));

  const golden = goldenRecord(observations);
  const next: PersonRow = { ...survivor, ...golden, version: survivor.version + 1 };
  const mergeId = randomUUID();
  const cause: ChangeCause = { type: 'person-merged', mergeId, survivorId: survivor.id, mergedId: merged.id };
  const write = emptyWrite();
  write.persons.set(next.id, next);
  write.memberships.set(merged.id, null);

  const fs = ms ? families.get(ms.familyId) : undefined;
  const fm = mm ? families.get(mm.familyId) : undefined;
  if (fs && fm && fs.familyId === fm.familyId) {
    change(write, fs, fs.members.filter((x) => x.personId !== merged.id).map((x) => (x.personId === survivor.id ? memberOf(next, x.relationship) : x)), cause);
  } else if (fm && mm && (mergedIsNewer || !fs)) {
    // The survivor takes the merged person's place in the family they were last recorded in.
    change(write, fm, fm.members.map((x) => (x.personId === merged.id ? memberOf(next, mm.relationship) : x)), cause);
    if (fs) change(write, fs, fs.members.filter((x) => x.personId !== survivor.id), cause);
    write.memberships.set(survivor.id, { familyId: fm.familyId, relationship: mm.relationship });
  } else {
    if (fs) change(write, fs, fs.members.map((x) => (x.personId === survivor.id ? memberOf(next, x.relationship) : x)), cause);
    if (fm) change(write, fm, fm.members.filter((x) => x.personId !== merged.id), cause);
  }

  await repo.setMergedInto(merged.id, survivor.id); // frees the merged person's NIK for the survivor
  await repo.save(write);
  await repo.recordMerge({ id: mergeId, survivorId: survivor.id, mergedId: merged.id, decidedBy: req.decidedBy, match: req.match, survivorMembership: ms, mergedMembership: mm });
  return { mergeId, survivorId: survivor.id, mergedId: merged.id, write };
}

export type UnmergeRefusal = 'MERGE_NOT_FOUND' | 'ALREADY_UNMERGED' | 'MERGE_SUPERSEDED';

/**
 * Undoes a merge: the merged person is active again with the golden record of its own
 * observations, and so is the survivor without them. If the survivor still holds the place the
 * merged person had, the merged person takes it back and the survivor returns to the family it had
 * before the merge; otherwise the merged person returns to its former family beside it.
 */
export async function unmergePersons(
  repo: RegistryRepository,
  req: { mergeId: string; reviewer: string; reason: string },
): Promise<{ outcome: MergeOutcome } | { refused: UnmergeRefusal }> {
  const row = await repo.lockMerge(req.mergeId);
  if (!row) return { refused: 'MERGE_NOT_FOUND' };
  if (row.unmergedAt) return { refused: 'ALREADY_UNMERGED' };
  const persons = await repo.lockPersons([row.survivorId, row.mergedId]);
  const survivor = persons.get(row.survivorId)!;
  const merged = persons.get(row.mergedId)!;
  if (merged.mergedInto !== survivor.id || survivor.mergedInto !== null) return { refused: 'MERGE_SUPERSEDED' };

  const clusterM = await repo.cluster(merged.id);
  const inM = new Set(clusterM);
  const clusterS = (await repo.cluster(survivor.id)).filter((id) => !inM.has(id));
  const observations = await repo.observationsOf([...clusterS, ...clusterM]);
  const nextS: PersonRow = { ...survivor, ...goldenRecord(observations.filter((o) => !inM.has(o.personId))), version: survivor.version + 1 };
  const nextM: PersonRow = { ...merged, ...goldenRecord(observations.filter((o) => inM.has(o.personId))), version: merged.version + 1 };

  const cur = (await repo.membershipsOf([survivor.id])).get(survivor.id) ?? null;
  const before: { s: Membership | null; m: Membership | null } = { s: row.survivorMembership, m: row.mergedMembership };
  const families = await repo.lockFamilies([cur?.familyId, before.s?.familyId, before.m?.familyId].filter((x): x is string => !!x));
  const cause: ChangeCause = { type: 'person-unmerged', mergeId: row.id, survivorId: survivor.id, mergedId: merged.id };
  const write = emptyWrite();
  write.persons.set(nextS.id, nextS);
  write.persons.set(nextM.id, nextM);
  const state = (id: string) => write.families.get(id) ?? families.get(id);

  if (before.m && cur && cur.familyId === before.m.familyId) {
    const f = state(cur.familyId)!;
    change(write, f, f.members.map((x) => (x.personId === survivor.id ? memberOf(nextM, before.m!.relationship) : x)), cause);
    write.memberships.set(merged.id, before.m);
    const home = before.s ? state(before.s.familyId) : undefined;
    if (before.s && home && home.familyId !== cur.familyId) {
      change(write, home, [...home.members, memberOf(nextS, before.s.relationship)], cause);
      write.memberships.set(survivor.id, before.s);
    } else write.memberships.set(survivor.id, null);
  } else {
    if (cur) {
      const f = state(cur.familyId)!;
      change(write, f, f.members.map((x) => (x.personId === survivor.id ? memberOf(nextS, x.relationship) : x)), cause);
    }
    const home = before.m ? state(before.m.familyId) : undefined;
    if (before.m && home) {
      change(write, home, [...home.members.filter((x) => x.personId !== merged.id), memberOf(nextM, before.m.relationship)], cause);
      write.memberships.set(merged.id, before.m);
    }
  }

  // The survivor gives back the merged person's NIK before the merged person is active again.
  await repo.savePersons([nextS]);
  await repo.setMergedInto(merged.id, null);
  write.persons.delete(nextS.id);
  await repo.save(write);
  write.persons.set(nextS.id, nextS);
  await repo.recordUnmerge(row.id, { reviewer: req.reviewer, reason: req.reason });
  return { outcome: { mergeId: row.id, survivorId: survivor.id, mergedId: merged.id, write } };
}
