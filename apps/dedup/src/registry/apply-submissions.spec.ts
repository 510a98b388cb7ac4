import type { FamilyRecord } from '@satupintu/contracts';
import { applySubmissions, planKey, type RegistrySnapshot, type ValidatedSubmission } from './apply-submissions';

const empty = (): RegistrySnapshot => ({ families: new Map(), familyIdByKk: new Map(), personsByNik: new Map(), personsById: new Map(), membershipOf: new Map() });
let n = 0;
const ids = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;

const fam = (kk: string, members: Array<[string | undefined, string, number]>, village = '31.01.01.1001'): FamilyRecord => ({
  kk,
  address: { villageCode: village, rt: '001', rw: '002' },
  members: members.map(([nik, name, relationship]) => ({ ...(nik !== undefined ? { nik } : {}), name, sex: 'M', birthDate: '1980-01-01', relationship })),
});
const sub = (family: FamilyRecord, i = 0): ValidatedSubmission => ({ eventId: `e${i}`, recordId: `00000000-0000-4000-9000-${String(i).padStart(12, '0')}`, revision: 1, family });

/** Turns the outcome of one batch into the snapshot the next batch would load. */
function persist(snapshot: RegistrySnapshot, applied: ReturnType<typeof applySubmissions>): RegistrySnapshot {
  const next = {
    families: new Map(snapshot.families),
    familyIdByKk: new Map(snapshot.familyIdByKk),
    personsByNik: new Map(snapshot.personsByNik),
    personsById: new Map(snapshot.personsById),
    membershipOf: new Map(snapshot.membershipOf),
  };
  for (const f of applied.families.values()) {
    next.families.set(f.familyId, f);
    next.familyIdByKk.set(f.kk, f.familyId);
  }
  for (const p of applied.persons.values()) {
    next.personsById.set(p.id, p);
    if (p.nik !== null) next.personsByNik.set(p.nik, p);
  }
  for (const [person, m] of applied.memberships) {
    if (m) next.membershipOf.set(person, m);
    else next.membershipOf.delete(person);
  }
  return next;
}

describe('applySubmissions', () => {
  it('finds a person without KK by NIK without touching the family, and registers an unknown one without a family', () => {
    const first = applySubmissions(empty(), [sub(fam('3101010101200001', [['3101011201800001', 'Budi', 1], [undefined, 'Ani', 4]]), 1)], ids);
    const snapshot = persist(empty(), first);
    const budi = [...first.persons.values()].find((p) => p.name === 'Budi')!;
    const single = (nik: string | undefined, name: string): FamilyRecord => ({ ...fam('', [[nik, name, 4]]), withoutKk: true });
    const second = applySubmissions(snapshot, [sub(single('3101011201800001', 'BUDI'), 2), sub(single(undefined, 'Rahmat'), 3)], ids);
    expect(second.changes).toEqual([]);
    expect(second.memberships.size).toBe(0);
    expect(second.registrations.map((r) => [r.familyId, r.members[0].resolution])).toEqual([[first.registrations[0].familyId, 'nik'], [null, 'new']]);
    expect(second.registrations[0].members[0].personId).toBe(budi.id);
    // Budi keeps his golden record; his observation is kept with its family.
    expect(second.persons.has(budi.id)).toBe(false);
    expect(second.observations.map((o) => [o.personId === budi.id, o.familyId])).toEqual([[true, first.registrations[0].familyId], [false, null]]);
    expect(second.registrations[1].loose).toEqual({ personId: second.registrations[1].members[0].personId, villageCode: '31.01.01.1001' });
  });

  it('creates a family with its persons, version 1, and one change with before = null', () => {
    const r = applySubmissions(empty(), [sub(fam('1111', [['A', 'Ana', 1], ['B', 'Bayu', 4]]))], ids);
    expect(r.changes).toHaveLength(1);
    expect(r.changes[0]).toEqual(expect.objectContaining({ version: 1, before: null }));
    expect(r.changes[0].after.members.map((m) => m.nik)).toEqual(['A', 'B']);
    expect(r.changes[0].after.address.regencyCode).toBe('31.01');
    expect(r.persons.size).toBe(2);
    expect(r.memberships.size).toBe(2);
    expect(r.registrations).toEqual([expect.objectContaining({ changed: true, familyVersion: 1 })]);
  });

  it('records the same content again as unchanged', () => {
    const first = applySubmissions(empty(), [sub(fam('1111', [['A', 'Ana', 1]]))], ids);
    const again = applySubmissions(persist(empty(), first), [sub(fam('1111', [['A', 'Ana', 1]]), 2)], ids);
    expect(again.changes).toEqual([]);
    expect(again.persons.size).toBe(0);
    expect(again.memberships.size).toBe(0);
    expect(again.registrations).toEqual([expect.objectContaining({ changed: false, familyVersion: 1 })]);
  });

  it('bumps the version and diffs a changed name (most recent submission wins)', () => {
    const first = applySubmissions(empty(), [sub(fam('1111', [['A', 'Ana', 1]]))], ids);
    const r = applySubmissions(persist(empty(), first), [sub(fam('1111', [['A', 'Anna', 1]]), 2)], ids);
    expect(r.changes).toHaveLength(1);
    expect(r.changes[0].version).toBe(2);
    expect(r.changes[0].diff).toEqual([expect.objectContaining({ before: 'Ana', after: 'Anna' })]);
    expect([...r.persons.values()][0].version).toBe(2);
  });

  it('moves a person whose NIK appears in another KK, changing both families', () => {
    const first = applySubmissions(empty(), [sub(fam('1111', [['A', 'Ana', 1], ['B', 'Bayu', 4]]))], ids);
    const r = applySubmissions(persist(empty(), first), [sub(fam('2222', [['B', 'Bayu', 1]], '31.01.02.1001'), 2)], ids);
    expect(r.changes.map((c) => [c.cause.type, c.version, c.after.members.map((m) => m.nik)])).toEqual([
      ['family-split', 2, ['A']],
      ['submission', 1, ['B']],
    ]);
    const bayu = first.changes[0].after.members[1].personId;
    expect(r.memberships.get(bayu)).toEqual({ familyId: r.changes[1].familyId, relationship: 1 });
  });

  it('handles several records of one family in one batch in order', () => {
    const r = applySubmissions(empty(), [sub(fam('1111', [['A', 'Ana', 1]]), 1), sub(fam('1111', [['A', 'Ana', 1], ['C', 'Cici', 4]]), 2)], ids);
    expect(r.changes.map((c) => c.version)).toEqual([1, 2]);
    expect(r.changes[1].before?.members).toHaveLength(1);
    expect(r.families.get(r.changes[0].familyId)?.members).toHaveLength(2);
  });

  it('closes the membership of a member missing from a newer record', () => {
    const first = applySubmissions(empty(), [sub(fam('1111', [['A', 'Ana', 1], ['B', 'Bayu', 4]]))], ids);
    const r = applySubmissions(persist(empty(), first), [sub(fam('1111', [['A', 'Ana', 1]]), 2)], ids);
    const bayu = first.changes[0].after.members[1].personId;
    expect(r.memberships.get(bayu)).toBeNull();
    expect(r.changes[0].after.members).toHaveLength(1);
  });

  it('keeps what a record says beyond identity as attributes, and a change to them is a change', () => {
    const withData = (): FamilyRecord => ({
      ...fam('1111', [['A', 'Ana', 1], ['K', 'Kecil', 4]]),
      welfareDecile: 2,
      housing: { floor: 'tanah' },
    });
    const measured = (f: FamilyRecord, height: number) => {
      f.members[1] = { ...f.members[1], birthDate: '2024-01-01', measurement: { measuredOn: '2026-10-01', heightCm: height, weightKg: 11 } };
      return f;
    };
    const first = applySubmissions(empty(), [sub(measured(withData(), 80))], ids);
    expect(first.changes[0].after.attributes).toEqual({ welfareDecile: 2, housing: { floor: 'tanah' } });
    expect(first.changes[0].after.members[1].attributes).toEqual({ measurement: { measuredOn: '2026-10-01', heightCm: 80, weightKg: 11 } });

    const same = applySubmissions(persist(empty(), first), [sub(measured(withData(), 80), 2)], ids);
    expect(same.changes).toEqual([]);

    const remeasured = applySubmissions(persist(empty(), first), [sub(measured(withData(), 82), 3)], ids);
    const child = first.changes[0].after.members[1].personId;
    expect(remeasured.changes[0].diff).toEqual([
      { path: `members.${child}.attributes.measurement`, before: { measuredOn: '2026-10-01', heightCm: 80, weightKg: 11 }, after: { measuredOn: '2026-10-01', heightCm: 82, weightKg: 11 } },
    ]);
    expect(remeasured.persons.get(child)?.version).toBe(2);
  });

  it('calls it a move, not a split, when the receiving family already exists', () => {
    const first = applySubmissions(empty(), [sub(fam('1111', [['A', 'Ana', 1], ['B', 'Bayu', 4]])), sub(fam('2222', [['C', 'Citra', 1]]), 1)], ids);
    const r = applySubmissions(persist(empty(), first), [sub(fam('2222', [['C', 'Citra', 1], ['B', 'Bayu', 4]]), 2)], ids);
    expect(r.changes.map((c) => c.cause.type)).toEqual(['member-moved', 'submission']);
  });

  it('finds a member without a NIK in its own family by name, birth date and sex (spelling folded)', () => {
    const first = applySubmissions(empty(), [sub(fam('1111', [['A', 'Ana', 1], [undefined, 'Djoko', 4]]))], ids);
    const joko = first.changes[0].after.members[1];
    expect(joko.nik).toBeNull();
    const again = applySubmissions(persist(empty(), first), [sub(fam('1111', [['A', 'Ana', 1], [undefined, 'Joko', 4]]), 2)], ids);
    expect(again.newPersonIds.size).toBe(0);
    expect(again.changes[0].after.members[1]).toEqual(expect.objectContaining({ personId: joko.personId, name: 'Joko' }));
    const withNik = applySubmissions(persist(empty(), again), [sub(fam('1111', [['A', 'Ana', 1], ['J', 'Joko', 4]]), 3)], ids);
    expect(withNik.changes[0].after.members[1]).toEqual(expect.objectContaining({ personId: joko.personId, nik: 'J' }));
  });

  it('keeps the name recorded with a NIK when a later record without one spells it otherwise', () => {
    const first = applySubmissions(empty(), [sub(fam('1111', [['A', 'Ana', 1], ['J', 'Joko', 4]]))], ids);
    const later = applySubmissions(persist(empty(), first), [sub(fam('1111', [['A', 'Ana', 1], [undefined, 'Djoko', 4]]), 2)], ids);
    expect(later.changes).toEqual([]);
  });

  it('treats a NIK whose holder is someone else as a conflict: a new person without it, and a suspicion', () => {
    const first = applySubmissions(empty(), [sub(fam('1111', [['A', 'Ana', 1]]))], ids);
    const conflictScore = { score: -20, probability: 0, parts: [] };
    const r = applySubmissions(persist(empty(), first), [sub(fam('2222', [['A', 'Zainal', 1]]), 2)], ids, { nikConflict: (holder, m) => (holder.name !== m.name ? conflictScore : null) });
    expect(r.changes.map((c) => c.cause.type)).toEqual(['submission']);
    const created = r.changes[0].after.members[0];
    expect(created).toEqual(expect.objectContaining({ nik: null, name: 'Zainal' }));
    expect(r.suspicions).toEqual([expect.objectContaining({ existingId: first.changes[0].after.members[0].personId, newId: created.personId, reason: 'nik-conflict', merge: false })]);
    expect(r.observations[0].source).toEqual(expect.objectContaining({ claimedNik: 'A' }));
  });

  it('records the match found before the batch as a suspicion of the new person (merge or review)', () => {
    const match = { score: 30, probability: 0.999, parts: [] };
    const plans = new Map([[planKey(0, 1), { candidateId: 'someone', decision: 'merge' as const, match }]]);
    const r = applySubmissions(empty(), [sub(fam('1111', [['A', 'Ana', 1], [undefined, 'Budi', 4]]))], ids, { plans });
    expect(r.suspicions).toEqual([{ existingId: 'someone', newId: r.changes[0].after.members[1].personId, reason: 'probable-match', match, villageCode: '31.01.01.1001', merge: true }]);
    expect(r.observations).toHaveLength(2);
  });
});
