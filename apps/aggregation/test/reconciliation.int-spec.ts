import { TOPICS, type FamilyChangedV1, type FamilyRecord, type MemberRecord, type SubmissionRegisteredV1 } from '@satupintu/contracts';
import { encodeEvent } from '@satupintu/kafka';
import { generateFamilies } from '@satupintu/synthetic';
import { eventually, produce, ROOT, TestStack, TopicTap, validatedEvent } from '@satupintu/testing';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import prand from 'pure-rand';

interface Report {
  families: number;
  familiesDiffering: number;
  differenceCount: number;
  differences: Array<{ region: string; counter: string; incremental: number; recomputed: number }>;
  repaired: boolean;
}

const VILLAGES = ['31.71.01.1001', '31.71.01.1002', '31.71.02.1001', '31.74.01.1001'];

/**
 * A long random stream through the real dedup and aggregation services: creates, updates, family
 * relocations, members moving to another KK, merges (a person recorded again without NIK elsewhere)
 * and unmerges, with a share of the registry's change events replayed (same event id, and re-sent
 * under a new id). The incrementally kept indicators must then equal the recomputation from the
 * registry exactly, counter by counter, in every region.
 */
describe('aggregation: incremental indicators equal the full recomputation', () => {
  const stack = new TestStack('reconcile');
  let changes: TopicTap<FamilyChangedV1>;
  let registered: TopicTap<SubmissionRegisteredV1>;

  beforeAll(async () => {
    await stack.setUp();
    await Promise.all([stack.start('dedup'), stack.start('aggregation')]);
    changes = await new TopicTap<FamilyChangedV1>(stack, TOPICS.familyChanged).start();
    registered = await new TopicTap<SubmissionRegisteredV1>(stack, TOPICS.submissionRegistered).start();
  });

  afterAll(async () => {
    await Promise.all([changes.stop(), registered.stop()]);
    await stack.tearDown();
  });

  const reconcile = (...args: string[]): Report => {
    const r = spawnSync(process.execPath, ['-r', join(ROOT, 'tools/runtime/register-paths.js'), join(ROOT, 'dist/apps/aggregation/src/main.js'), 'reconcile', ...args], {
      env: stack.env('aggregation', 0, { LOG_LEVEL: 'warn', ...stack.protectionEnv() }),
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (r.status !== 0) throw new Error(r.stderr);
    return JSON.parse(r.stdout) as Report;
  };

  it('after 300 random operations with replays, every counter of every region matches', async () => {
    const rng = prand.xoroshiro128plus(20261123);
    const int = (min: number, max: number) => prand.unsafeUniformIntDistribution(min, max, rng);
    const pick = <T>(list: readonly T[]): T => list[int(0, list.length - 1)];
    const pool = generateFamilies({ count: 200, villages: VILLAGES, seed: 77, keyPrefix: 'rec' }).records.map((r) => r.family as FamilyRecord);
    const families: FamilyRecord[] = [];
    const counts = { create: 0, update: 0, relocate: 0, move: 0, merge: 0, unmerge: 0 };

    const submitRound = async (records: FamilyRecord[]) => {
      const events = records.map((f) => validatedEvent(structuredClone(f)));
      await produce(stack, TOPICS.familyValidated, events.map((e) => ({ key: e.family.kk, value: encodeEvent(TOPICS.familyValidated, e) })));
      const ids = new Set(events.map((e) => e.recordId));
      await eventually(() => registered.messages.filter((m) => ids.has(m.value.recordId)).length === ids.size);
    };

    for (let round = 0; round < 15; round++) {
      const batch = new Map<string, FamilyRecord>();
      for (let i = 0; i < 20; i++) {
        const op = families.length < 10 ? 0 : int(0, 99);
        if (op < 35 && pool.length > 0) {
          const f = pool.pop()!;
          families.push(f);
          batch.set(f.kk, f);
          counts.create++;
          continue;
        }
        const f = pick(families);
        if (batch.has(f.kk)) continue; // one record per KK per round: the round's outcome does not depend on partition order
        if (op < 60) {
          f.welfareDecile = int(1, 10);
          if (f.housing) f.housing.floor = pick(['keramik', 'semen', 'tanah'] as const);
          if (int(0, 2) === 0 && f.members.length < 8) f.members.push({ name: `Bayi ${randomUUID().slice(0, 6)}`, sex: 'F', birthDate: '2025-03-01', relationship: 4, measurement: { measuredOn: '2026-06-01', heightCm: int(60, 75), weightKg: int(6, 10), position: 'lying' } });
          counts.update++;
        } else if (op < 72) {
          f.address.villageCode = pick(VILLAGES);
          counts.relocate++;
        } else if (op < 86) {
          // A member (not the head) moves to another family's KK with its NIK.
          const from = families.find((x) => x !== f && !batch.has(x.kk) && x.members.length > 1 && x.members.some((m) => m.relationship !== 1 && m.nik));
          if (!from) continue;
          const idx = from.members.findIndex((m) => m.relationship !== 1 && m.nik);
          const [m] = from.members.splice(idx, 1);
          f.members.push({ ...m, relationship: 9 });
          batch.set(from.kk, from);
          counts.move++;
        } else {
          // The same person recorded again, without NIK, in another family of the same village: a merge.
          const from = families.find((x) => x !== f && !batch.has(x.kk) && x.address.villageCode === f.address.villageCode && x.members.some((m) => m.relationship === 7 || m.relationship === 4));
          const m = from?.members.find((x) => x.relationship === 7 || x.relationship === 4);
          if (!from || !m) continue;
          const copy: MemberRecord = { name: m.name, sex: m.sex, birthDate: m.birthDate, relationship: 9 };
          f.members.push(copy);
          counts.merge++;
        }
        batch.set(f.kk, f);
      }
      await submitRound([...batch.values()]);

      // Sometimes undo a merge made so far.
      if (round % 3 === 2) {
        const { rows } = await stack.db.query('select id from registry.merges where unmerged_at is null order by merged_at limit 2');
        for (const r of rows as Array<{ id: string }>) {
          const cmd = { type: 'unmerge' as const, eventId: randomUUID(), occurredAt: new Date().toISOString(), mergeId: r.id, reviewer: 'test', reason: 'random stream' };
          await produce(stack, TOPICS.registryCommands, [{ key: r.id, value: encodeEvent(TOPICS.registryCommands, cmd) }]);
          await eventually(async () => (await stack.db.query('select unmerged_at from registry.merges where id = $1', [r.id])).rows[0].unmerged_at !== null);
          counts.unmerge++;
        }
      }

      // Replay a share of the change events seen so far: some as they were, some under new ids.
      const seen = changes.messages.slice();
      const replays = Array.from({ length: 8 }, () => pick(seen)).map((m, i) => (i % 2 === 0 ? m.value : { ...m.value, eventId: randomUUID() }));
      await produce(stack, TOPICS.familyChanged, replays.map((e) => ({ key: e.familyId, value: encodeEvent(TOPICS.familyChanged, e) })));
    }

    expect(counts.create).toBeGreaterThan(80);
    expect(Math.min(counts.update, counts.relocate, counts.move, counts.merge, counts.unmerge)).toBeGreaterThan(3);
    const [{ merges }] = (await stack.db.query('select count(*)::int as merges from registry.merges')).rows;
    expect(merges).toBeGreaterThan(3);

    // Once aggregation has caught up, the two computations agree exactly.
    const report = await eventually(
      () => {
        const r = reconcile();
        return r.differenceCount === 0 && r.familiesDiffering === 0 ? r : undefined;
      },
      90_000,
      2000,
    );
    expect(report.families).toBeGreaterThan(80);
    const { rows } = await stack.db.query(`select counters from aggregation.regions where region_code = 'ID'`);
    const [{ persons }] = (await stack.db.query('select count(*)::int as persons from registry.memberships where valid_to is null')).rows;
    expect(rows[0].counters.persons).toBe(persons);
    expect(rows[0].counters['child.haz-valid']).toBeGreaterThan(0);
  });

  it('reports a corrupted counter, and --repair restores it', async () => {
    await stack.db.query(`update aggregation.regions set counters = jsonb_set(counters, '{persons}', to_jsonb((counters->>'persons')::int + 5)) where region_code = '31.71'`);
    const broken = reconcile();
    expect(broken.differences).toEqual([expect.objectContaining({ region: '31.71', counter: 'persons' })]);
    expect(broken.differences[0].incremental - broken.differences[0].recomputed).toBe(5);
    expect(reconcile('--repair').repaired).toBe(true);
    expect(reconcile().differenceCount).toBe(0);
  });
});
