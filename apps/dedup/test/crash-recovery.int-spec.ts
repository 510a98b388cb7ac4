import { generateFamilies } from '@satupintu/synthetic';
import { authFetch, eventually, TestStack } from '@satupintu/testing';

const N = 3000;

/** dedup killed with SIGKILL in the middle of a large batch: after a restart every family is registered exactly once. */
describe('dedup crash recovery', () => {
  const stack = new TestStack('crash');

  beforeAll(async () => {
    await stack.setUp();
    await stack.start('gateway');
    await stack.start('validation');
    await stack.start('dedup');
  });

  afterAll(() => stack.tearDown());

  it('loses and doubles nothing', async () => {
    const gateway = stack.services.get('gateway')!.url;
    const { records, truth } = generateFamilies({ count: N, villages: ['31.71.01.1001', '31.71.01.1002', '31.71.02.1001', '31.71.03.1001'], seed: 77 });
    const expectedPersons = truth.reduce((s, t) => s + t.members, 0);

    const posting = (async () => {
      for (let i = 0; i < records.length; i += 250) {
        const res = await authFetch(`${gateway}/v1/submissions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ records: records.slice(i, i + 250) }),
        });
        expect(res.status).toBe(202);
      }
    })();

    const count = async () => Number((await stack.db.query('select count(*) from registry.families').catch(() => ({ rows: [{ count: 0 }] }))).rows[0].count);
    await eventually(async () => (await count()) >= 200, 120_000, 20);
    await stack.stop('dedup', 'SIGKILL');
    const atKill = await count();
    await posting;
    expect(atKill).toBeLessThan(N); // the kill really happened mid-way

    await stack.start('dedup');
    await eventually(async () => (await count()) === N, 180_000, 250);
    await eventually(async () => {
      const r = await stack.db.query(`select count(*) filter (where status = 'registered') as done, count(*) as all from gateway.submission_records`);
      return Number(r.rows[0].done) === N && Number(r.rows[0].all) === N;
    }, 120_000);

    const q = async (sql: string) => Number((await stack.db.query(sql)).rows[0].n);
    expect(await q('select count(distinct kk) as n from registry.families')).toBe(N);
    expect(await q('select count(*) as n from registry.families where version <> 1')).toBe(0);
    expect(await q('select count(*) as n from registry.family_history')).toBe(N);
    expect(await q('select count(*) as n from registry.persons')).toBe(expectedPersons);
    expect(await q('select count(*) as n from registry.memberships where valid_to is null')).toBe(expectedPersons);
    expect(await q('select count(*) as n from registry.memberships')).toBe(expectedPersons);
    expect(await q('select count(*) as n from registry.inbox')).toBe(N);
  });
});
