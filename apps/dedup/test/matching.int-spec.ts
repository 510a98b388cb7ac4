import {
  TOPICS,
  type FamilyChangedV1,
  type FamilyRecord,
  type MemberRecord,
  type PersonMergedV1,
  type PersonUnmergedV1,
  type RegistryCommandV1,
  type ReviewTaskV1,
} from '@satupintu/contracts';
import { formatNik } from '@satupintu/domain';
import { encodeEvent } from '@satupintu/kafka';
import { eventually, produce, SERVERS, TestStack, TopicTap, validatedEvent } from '@satupintu/testing';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';

let serial = 500;
/** A family with a head, a wife and the given children; KKs and NIKs unique per call. */
function household(village: string, head: string, wife: string, children: Array<Partial<MemberRecord> & { name: string; birthDate: string; sex: 'M' | 'F' }>): FamilyRecord {
  const district = village.slice(0, 8);
  const s = serial++;
  const kk = `${district.replace(/\./g, '')}0202${String(s).padStart(6, '0')}`;
  return {
    kk,
    address: { villageCode: village, rt: '003', rw: '004' },
    members: [
      { nik: formatNik(district, '1980-01-15', 'M', s * 3 + 1), name: head, sex: 'M', birthDate: '1980-01-15', relationship: 1 },
      { nik: formatNik(district, '1984-08-20', 'F', s * 3 + 2), name: wife, sex: 'F', birthDate: '1984-08-20', relationship: 3 },
      ...children.map((c) => ({ relationship: 4, ...c })),
    ],
  };
}

const validated = validatedEvent;

/**
 * Probabilistic matching in the registry on the real stack: automatic merge and its unmerge, review
 * tasks decided same and different, a NIK held by someone else, and the Redis index flushed and
 * rebuilt from PostgreSQL.
 */
describe('dedup matching', () => {
  const stack = new TestStack('matching');
  let changes: TopicTap<FamilyChangedV1>;
  let merged: TopicTap<PersonMergedV1>;
  let unmerged: TopicTap<PersonUnmergedV1>;
  let tasks: TopicTap<ReviewTaskV1>;
  let suspected: TopicTap<ReviewTaskV1>;
  let redis: Redis;

  beforeAll(async () => {
    await stack.setUp();
    await stack.start('dedup');
    changes = await new TopicTap<FamilyChangedV1>(stack, TOPICS.familyChanged).start();
    merged = await new TopicTap<PersonMergedV1>(stack, TOPICS.personMerged).start();
    unmerged = await new TopicTap<PersonUnmergedV1>(stack, TOPICS.personUnmerged).start();
    tasks = await new TopicTap<ReviewTaskV1>(stack, TOPICS.reviewTasks).start();
    suspected = await new TopicTap<ReviewTaskV1>(stack, TOPICS.duplicateSuspected).start();
    redis = new Redis(SERVERS.redisUrl);
  });

  afterAll(async () => {
    await Promise.all([changes, merged, unmerged, tasks, suspected].map((t) => t.stop()));
    redis.disconnect();
    await stack.tearDown();
  });

  const register = async (f: FamilyRecord) => {
    const e = validated(f);
    await produce(stack, TOPICS.familyValidated, [{ key: f.kk, value: encodeEvent(TOPICS.familyValidated, e) }]);
    const family = await eventually(async () => (await stack.db.query('select id, version from registry.families where kk_index = $1', [stack.index('kk', f.kk)])).rows[0] as { id: string } | undefined);
    await eventually(() => changes.messages.some((m) => m.value.familyId === family.id && m.value.cause.type === 'submission' && m.value.cause.recordId === e.recordId));
    return family.id;
  };
  const command = (c: RegistryCommandV1, key: string) => produce(stack, TOPICS.registryCommands, [{ key, value: encodeEvent(TOPICS.registryCommands, c) }]);
  const personByNik = async (nik: string) => (await stack.db.query('select id from registry.persons where nik_index = $1', [stack.index('nik', nik)])).rows[0].id as string;
  const membersOf = async (familyId: string): Promise<Array<{ id: string; name: string }>> => {
    const { rows } = await stack.db.query('select p.id, p.identity from registry.memberships m join registry.persons p on p.id = m.person_id where m.family_id = $1 and m.valid_to is null order by m.position', [familyId]);
    return Promise.all(rows.map(async (r) => ({ id: r.id as string, name: (await stack.openIdentity(r.identity)).name })));
  };

  const rizky = { nik: formatNik('31.01.01', '2015-04-10', 'M', 9001), name: 'Muhammad Rizky', birthDate: '2015-04-10', sex: 'M' as const };

  it('merges a record without a NIK into the person it surely is, and an unmerge restores both', async () => {
    const homeId = await register(household('31.01.01.1001', 'Bambang Sutrisno', 'Siti Aminah', [rizky]));
    const rizkyId = await personByNik(rizky.nik);
    // Recorded again in his grandparents' KK, without a NIK, spelt otherwise.
    const grandparentsId = await register(household('31.01.01.1001', 'Haji Sumarno', 'Siti Aminah', [{ name: 'M. Rizki', birthDate: '2015-04-10', sex: 'M' }]));

    const merge = await eventually(() => merged.messages.find((m) => m.value.survivorId === rizkyId)?.value);
    expect(merge.decidedBy).toEqual({ type: 'automatic' });
    expect(merge.match?.score).toBeGreaterThanOrEqual(25);
    expect(merge.match?.parts.map((p) => p.comparison)).toEqual(expect.arrayContaining(['name', 'birth-date', 'sex', 'region', 'mother-name']));
    expect(merge.survivor).toEqual(expect.objectContaining({ personId: rizkyId, nik: rizky.nik, name: 'Muhammad Rizky', familyId: grandparentsId }));
    const byMerge = await eventually(() => {
      const found = changes.messages.filter((m) => m.value.cause.type === 'person-merged' && 'mergeId' in m.value.cause && m.value.cause.mergeId === merge.mergeId);
      return found.length === 2 ? found : undefined;
    });
    expect(byMerge.find((m) => m.value.familyId === homeId)?.value.after?.members.map((x) => x.personId)).not.toContain(rizkyId);
    expect(byMerge.find((m) => m.value.familyId === grandparentsId)?.value.after?.members.map((x) => x.personId)).toContain(rizkyId);
    expect((await membersOf(grandparentsId)).map((x) => x.id)).toContain(rizkyId);
    const { rows: alias } = await stack.db.query('select merged_into from registry.persons where id = $1', [merge.mergedId]);
    expect(alias[0].merged_into).toBe(rizkyId);

    await command({ eventId: randomUUID(), occurredAt: new Date().toISOString(), type: 'unmerge', mergeId: merge.mergeId, reviewer: 'supervisor-1', reason: 'different children' }, merge.mergeId);
    const undone = await eventually(() => unmerged.messages.find((m) => m.value.mergeId === merge.mergeId)?.value);
    expect(undone.restored).toEqual(expect.objectContaining({ personId: merge.mergedId, nik: null, name: 'M. Rizki', familyId: grandparentsId }));
    expect(undone.survivor).toEqual(expect.objectContaining({ personId: rizkyId, nik: rizky.nik, name: 'Muhammad Rizky', familyId: homeId }));
    expect((await membersOf(homeId)).map((x) => x.id)).toContain(rizkyId);
    expect((await membersOf(grandparentsId)).map((x) => x.id)).toContain(merge.mergedId);
    const restored = changes.messages.filter((m) => m.value.cause.type === 'person-unmerged');
    expect(restored.map((m) => m.value.familyId).sort()).toEqual([homeId, grandparentsId].sort());
    const { rows: history } = await stack.db.query('select unmerged_at is not null as undone, unmerge from registry.merges where id = $1', [merge.mergeId]);
    expect(history[0]).toEqual({ undone: true, unmerge: { reviewer: 'supervisor-1', reason: 'different children' } });

    // Replayed unmerge: nothing more happens.
    const before = changes.messages.length;
    await command({ eventId: randomUUID(), occurredAt: new Date().toISOString(), type: 'unmerge', mergeId: merge.mergeId, reviewer: 'supervisor-1', reason: 'again' }, merge.mergeId);
    await new Promise((r) => setTimeout(r, 1500));
    expect(changes.messages.length).toBe(before);
  });

  it('opens a review task for a probable match, and merges when the reviewer says same', async () => {
    const ayu = { nik: formatNik('31.01.02', '2012-11-05', 'F', 9002), name: 'Ayu Lestari', birthDate: '2012-11-05', sex: 'F' as const };
    await register(household('31.01.02.1001', 'Joko Widodo', 'Dewi Sartika', [ayu]));
    const ayuId = await personByNik(ayu.nik);
    // Same name and birth date, another district of the regency, another mother's name: a review.
    const otherId = await register(household('31.01.01.1002', 'Slamet Riyadi', 'Sri Wahyuni', [{ name: 'Ayu Lestari', birthDate: '2012-11-05', sex: 'F' }]));
    const opened = await eventually(() => suspected.messages.find((m) => m.value.a.personId === ayuId)?.value);
    expect(opened).toEqual(expect.objectContaining({ status: 'open', reason: 'probable-match', villageCode: '31.01.01.1002', revision: 1 }));
    expect(opened.b).toEqual(expect.objectContaining({ nik: null, name: 'Ayu Lestari', familyId: otherId }));
    expect(opened.match.score).toBeGreaterThanOrEqual(12);
    expect(opened.match.score).toBeLessThan(25);
    expect(merged.messages.some((m) => m.value.survivorId === ayuId)).toBe(false);

    await command({ eventId: randomUUID(), occurredAt: new Date().toISOString(), type: 'review-decision', taskId: opened.taskId, decision: 'same', reviewer: 'supervisor-2', note: 'same school' }, opened.taskId);
    const merge = await eventually(() => merged.messages.find((m) => m.value.survivorId === ayuId)?.value);
    expect(merge.decidedBy).toEqual({ type: 'review', taskId: opened.taskId, reviewer: 'supervisor-2' });
    expect(merge.mergedId).toBe(opened.b.personId);
    const closed = await eventually(() => tasks.messages.find((m) => m.value.taskId === opened.taskId && m.value.revision === 2)?.value);
    expect(closed).toEqual(expect.objectContaining({ status: 'same', decision: expect.objectContaining({ reviewer: 'supervisor-2', mergeId: merge.mergeId, note: 'same school' }) }));
  });

  it('closes a review task decided different without merging', async () => {
    const budi = { nik: formatNik('31.01.02', '2010-02-14', 'M', 9003), name: 'Budi Santoso', birthDate: '2010-02-14', sex: 'M' as const };
    await register(household('31.01.02.1002', 'Agus Salim', 'Rina Marlina', [budi]));
    const budiId = await personByNik(budi.nik);
    await register(household('31.01.01.1003', 'Hendra Gunawan', 'Wati Susanti', [{ name: 'Budi Santoso', birthDate: '2010-02-14', sex: 'M' }]));
    const opened = await eventually(() => suspected.messages.find((m) => m.value.a.personId === budiId)?.value);
    await command({ eventId: randomUUID(), occurredAt: new Date().toISOString(), type: 'review-decision', taskId: opened.taskId, decision: 'different', reviewer: 'supervisor-2', note: null }, opened.taskId);
    const closed = await eventually(() => tasks.messages.find((m) => m.value.taskId === opened.taskId && m.value.revision === 2)?.value);
    expect(closed).toEqual(expect.objectContaining({ status: 'different', decision: expect.objectContaining({ mergeId: null }) }));
    const { rows } = await stack.db.query('select count(*)::int as n from registry.persons where merged_into is null and id = any($1)', [[opened.a.personId, opened.b.personId]]);
    expect(rows[0].n).toBe(2);
    expect(merged.messages.some((m) => m.value.survivorId === budiId)).toBe(false);
  });

  it('does not trust a NIK held by someone with another name, birth date and sex: a new person and a nik-conflict task', async () => {
    const sari = { nik: formatNik('31.01.03', '1999-07-07', 'F', 9004), name: 'Sari Puspita', birthDate: '1999-07-07', sex: 'F' as const };
    await register(household('31.01.03.1001', 'Yusuf Hakim', 'Nur Aini', [sari]));
    const sariId = await personByNik(sari.nik);
    const wrongId = await register(household('31.01.03.1002', 'Dedi Kurniawan', 'Lina Marlina', [{ nik: sari.nik, name: 'Rudi Hartono', birthDate: '2005-03-01', sex: 'M' }]));
    const task = await eventually(() => suspected.messages.find((m) => m.value.a.personId === sariId)?.value);
    expect(task).toEqual(expect.objectContaining({ reason: 'nik-conflict', status: 'open' }));
    expect(task.b).toEqual(expect.objectContaining({ nik: null, name: 'Rudi Hartono', familyId: wrongId }));
    const { rows } = await stack.db.query('select identity from registry.persons where nik_index = $1 and merged_into is null', [stack.index('nik', sari.nik)]);
    expect(await Promise.all(rows.map(async (r) => ({ name: (await stack.openIdentity(r.identity)).name })))).toEqual([{ name: 'Sari Puspita' }]);
  });

  it('rebuilds the matching index from PostgreSQL after Redis is flushed, and matches with it', async () => {
    const keys = async () => {
      let cursor = '0';
      let n = 0;
      do {
        const [next, found] = await redis.scan(cursor, 'MATCH', `${stack.prefix}registry:*`, 'COUNT', 1000);
        cursor = next;
        n += found.length;
      } while (cursor !== '0');
      return n;
    };
    const dewi = { nik: formatNik('31.01.04', '2016-09-09', 'F', 9005), name: 'Dewi Anggraini', birthDate: '2016-09-09', sex: 'F' as const };
    await register(household('31.01.04.1001', 'Rahmat Hidayat', 'Ratna Sari', [dewi]));
    const dewiId = await personByNik(dewi.nik);
    const before = await keys();
    expect(before).toBeGreaterThan(0);
    // Flush the index (as a Redis restart without persistence would).
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${stack.prefix}registry:*`, 'COUNT', 1000);
      cursor = next;
      if (found.length > 0) await redis.del(...found);
    } while (cursor !== '0');
    expect(await keys()).toBe(0);

    // The next batch finds the index missing, rebuilds it from the registry, and matches against it.
    await register(household('31.01.04.1001', 'Teguh Prasetyo', 'Ratna Sari', [{ name: 'Dewi Anggraeni', birthDate: '2016-09-09', sex: 'F' }]));
    const merge = await eventually(() => merged.messages.find((m) => m.value.survivorId === dewiId)?.value);
    expect(merge.decidedBy).toEqual({ type: 'automatic' });
    expect(await keys()).toBeGreaterThanOrEqual(before);
  });
});
