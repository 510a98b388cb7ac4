import { TOPICS, type RegionCountsUpdatedV1 } from '@satupintu/contracts';
import { encodeEvent } from '@satupintu/kafka';
import { eventually, familyChanged, familyState, produce, TestStack, TopicTap } from '@satupintu/testing';

/** The aggregation service on the real stack: exact counts from before/after, replays counted once. */
describe('aggregation service', () => {
  const stack = new TestStack('aggregation');
  let totals: TopicTap<RegionCountsUpdatedV1>;

  beforeAll(async () => {
    await stack.setUp();
    await stack.start('aggregation');
    totals = await new TopicTap<RegionCountsUpdatedV1>(stack, TOPICS.regionCountsUpdated).start();
  });

  afterAll(async () => {
    await totals.stop();
    await stack.tearDown();
  });

  const counts = async () => {
    const { rows } = await stack.db.query('select region_code, counters from aggregation.regions order by region_code');
    return Object.fromEntries(rows.map((r) => [r.region_code, [r.counters.families ?? 0, r.counters.persons ?? 0]]));
  };
  const send = (events: ReturnType<typeof familyChanged>[], key?: string) =>
    produce(stack, TOPICS.familyChanged, events.map((e) => ({ key: key ?? e.familyId, value: encodeEvent(TOPICS.familyChanged, e) })));

  it('counts new families at every level, moves a family between villages, and ignores a replay', async () => {
    const a1 = familyState('31.01.01.1001', ['1970-01-01', '1975-01-01', '2010-01-01']);
    const b1 = familyState('31.01.02.1001', ['1980-01-01']);
    const createA = familyChanged(null, a1);
    const createB = familyChanged(null, b1);
    await send([createA, createB]);
    await eventually(async () => (await counts())['ID']?.[0] === 2);
    expect(await counts()).toEqual({
      ID: [2, 4],
      '31': [2, 4],
      '31.01': [2, 4],
      '31.01.01': [1, 3],
      '31.01.01.1001': [1, 3],
      '31.01.02': [1, 1],
      '31.01.02.1001': [1, 1],
    });

    const a2 = { ...a1, version: 2, address: { ...a1.address, villageCode: '31.01.02.1002', districtCode: '31.01.02' }, members: a1.members.slice(0, 2) };
    const move = familyChanged(a1, a2);
    // The move, two replays, then a sentinel family on the same partition: once the sentinel is
    // counted, everything before it has been consumed.
    const sentinel = familyChanged(null, familyState('32.01.01.2001', ['1990-01-01']));
    await send([move, createA, move, sentinel], a1.familyId);
    await eventually(async () => (await counts())['32']?.[0] === 1);
    expect(await counts()).toEqual({
      ID: [3, 4],
      '32': [1, 1],
      '32.01': [1, 1],
      '32.01.01': [1, 1],
      '32.01.01.2001': [1, 1],
      '31': [2, 3],
      '31.01': [2, 3],
      '31.01.01': [0, 0],
      '31.01.01.1001': [0, 0],
      '31.01.02': [2, 3],
      '31.01.02.1001': [1, 1],
      '31.01.02.1002': [1, 2],
    });
  });

  it('announces the latest totals of each touched region with a growing seq', async () => {
    const latest = await eventually(() => {
      const forVillage = totals.messages.filter((m) => m.key === '31.01.01.1001');
      return forVillage.length >= 1 && forVillage[forVillage.length - 1].value.families === 0 ? forVillage : undefined;
    });
    expect(latest.map((m) => m.value.seq)).toEqual([...latest.map((m) => m.value.seq)].sort((a, b) => a - b));
    expect(latest[latest.length - 1].value).toEqual(expect.objectContaining({ families: 0, persons: 0, level: 'village', parentCode: '31.01.01' }));
  });
});
