import { generateFamilies } from '@satupintu/synthetic';
import { eventually, submitInChunks, TestStack } from '@satupintu/testing';
import { expectRegisteredOnce } from './registered-once';

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

    const posting = submitInChunks(gateway, records, 250);

    const count = async () => Number((await stack.db.query('select count(*) from registry.families').catch(() => ({ rows: [{ count: 0 }] }))).rows[0].count);
    await eventually(async () => (await count()) >= 200, 120_000, 20);
    await stack.stop('dedup', 'SIGKILL');
    const atKill = await count();
    await posting;
    expect(atKill).toBeLessThan(N); // the kill really happened mid-way

    await stack.start('dedup');
    await expectRegisteredOnce(stack, N, expectedPersons);
  });
});
