import { TOPICS, type FamilyChangedV1, type FamilyRecord, type FamilyValidatedV1, type SubmissionRegisteredV1 } from '@satupintu/contracts';
import { encodeEvent } from '@satupintu/kafka';
import { eventually, family, produce, TestStack, TopicTap, validatedEvent } from '@satupintu/testing';

const validated = validatedEvent;

/** The dedup service on the real stack: exact KK/NIK matching into the registry, with its events. */
describe('dedup service', () => {
  const stack = new TestStack('dedup');
  let changes: TopicTap<FamilyChangedV1>;
  let registered: TopicTap<SubmissionRegisteredV1>;

  beforeAll(async () => {
    await stack.setUp();
    await stack.start('dedup');
    changes = await new TopicTap<FamilyChangedV1>(stack, TOPICS.familyChanged).start();
    registered = await new TopicTap<SubmissionRegisteredV1>(stack, TOPICS.submissionRegistered).start();
  });

  afterAll(async () => {
    await Promise.all([changes.stop(), registered.stop()]);
    await stack.tearDown();
  });

  const send = (events: FamilyValidatedV1[], key: string) =>
    produce(stack, TOPICS.familyValidated, events.map((e) => ({ key, value: encodeEvent(TOPICS.familyValidated, e) })));
  const registrationOf = (e: FamilyValidatedV1) => eventually(() => registered.messages.find((m) => m.value.recordId === e.recordId)?.value);

  it('creates a family, updates it with a diff, ignores a replay, and records history', async () => {
    const f: FamilyRecord = { ...family({ members: 3 }), welfareDecile: 3, housing: { sanitation: 'jamban-bersama' } };
    f.members[0].maritalStatus = 'kawin';
    const create = validated(f);
    await send([create], f.kk);
    const r1 = await registrationOf(create);
    expect(r1).toEqual(expect.objectContaining({ changed: true, familyVersion: 1 }));
    const c1 = await eventually(() => changes.messages.find((m) => m.value.familyId === r1.familyId));
    expect(c1.key).toBe(r1.familyId);
    expect(c1.value.before).toBeNull();
    expect(c1.value.after?.members.map((m) => m.nik)).toEqual(f.members.map((m) => m.nik));
    expect(c1.value.after?.attributes).toEqual({ welfareDecile: 3, housing: { sanitation: 'jamban-bersama' } });
    const stored = await stack.db.query('select p.attributes, f.attributes as family from registry.persons p, registry.families f where p.nik_index = $1 and f.kk_index = $2', [stack.index('nik', f.members[0].nik!), stack.index('kk', f.kk)]);
    expect(stored.rows[0]).toEqual({ attributes: { maritalStatus: 'kawin' }, family: { welfareDecile: 3, housing: { sanitation: 'jamban-bersama' } } });

    const renamed: FamilyRecord = { ...f, members: f.members.map((m, i) => (i === 2 ? { ...m, name: 'Nama Baru' } : m)) };
    const update = validated(renamed);
    await send([update, create], f.kk); // the update, then a redelivery of the first event
    const r2 = await registrationOf(update);
    expect(r2).toEqual(expect.objectContaining({ changed: true, familyVersion: 2, familyId: r1.familyId }));
    const c2 = await eventually(() => changes.messages.find((m) => m.value.familyId === r1.familyId && m.value.version === 2));
    expect(c2.value.diff).toEqual([expect.objectContaining({ path: expect.stringMatching(/^members\..+\.name$/), after: 'Nama Baru' })]);
    expect(c2.value.before?.members[2].name).toBe(f.members[2].name);

    const same = validated(renamed);
    await send([same], f.kk);
    expect(await registrationOf(same)).toEqual(expect.objectContaining({ changed: false, familyVersion: 2 }));
    const history = await stack.db.query('select version, cause from registry.family_history where family_id = $1 order by version', [r1.familyId]);
    expect(history.rows.map((h) => [h.version, h.cause.recordId])).toEqual([
      [1, create.recordId],
      [2, update.recordId],
    ]);
    expect(changes.messages.filter((m) => m.value.familyId === r1.familyId)).toHaveLength(2);
  });

  it('moves a person whose NIK appears under another existing KK, with an event for each family', async () => {
    const home = family({ members: 3 });
    const other = family({ members: 1, village: '31.01.02.1001' });
    await send([validated(home)], home.kk);
    await send([validated(other)], other.kk);
    await eventually(async () => (await stack.db.query('select 1 from registry.families where kk_index = any($1)', [[home.kk, other.kk].map((kk) => stack.index('kk', kk))])).rowCount === 2);
    const mover = home.members[2];
    const move = validated({ ...other, members: [...other.members, { ...mover, relationship: 4 }] });
    await send([move], other.kk);
    const r = await registrationOf(move);
    const left = await eventually(() => changes.messages.find((m) => m.value.cause.type === 'member-moved' && m.value.after?.kk === home.kk));
    expect(left.value.after?.members.map((m) => m.nik)).toEqual([home.members[0].nik, home.members[1].nik]);
    expect(left.value.cause).toEqual({ type: 'member-moved', recordId: move.recordId, toFamilyId: r.familyId });
    const { rows } = await stack.db.query(
      `select f.kk_index, m.valid_to is null as active from registry.memberships m join registry.families f on f.id = m.family_id
        join registry.persons p on p.id = m.person_id where p.nik_index = $1 order by m.id`,
      [stack.index('nik', mover.nik!)],
    );
    expect(rows.map((r) => ({ kk: [home.kk, other.kk].find((kk) => stack.index('kk', kk) === r.kk_index), active: r.active }))).toEqual([
      { kk: home.kk, active: false },
      { kk: other.kk, active: true },
    ]);
  });

  it('splits a family when a new KK takes some of its members', async () => {
    const home = family({ members: 4 });
    await send([validated(home)], home.kk);
    await eventually(async () => (await stack.db.query('select 1 from registry.families where kk_index = $1', [stack.index('kk', home.kk)])).rowCount === 1);
    const split: FamilyRecord = { ...family({ members: 1 }), members: [{ ...home.members[2], relationship: 1 }, { ...home.members[3], relationship: 2 }] };
    const e = validated(split);
    await send([e], split.kk);
    const r = await registrationOf(e);
    const old = await eventually(() => changes.messages.find((m) => m.value.cause.type === 'family-split' && m.value.after?.kk === home.kk));
    expect(old.value.cause).toEqual({ type: 'family-split', recordId: e.recordId, newFamilyId: r.familyId });
    expect(old.value.after?.members.map((m) => m.nik)).toEqual([home.members[0].nik, home.members[1].nik]);
    const gone = new Set(old.value.diff.filter((d) => d.after === undefined).map((d) => d.path.split('.')[1]));
    expect([...gone].sort()).toEqual(old.value.before!.members.slice(2).map((m) => m.personId).sort());
    const created = await eventually(() => changes.messages.find((m) => m.value.familyId === r.familyId));
    expect(created.value.after?.members.map((m) => m.nik)).toEqual([home.members[2].nik, home.members[3].nik]);
  });
});
