import { officialRegions } from '@satupintu/domain';
import { generateEvaluation } from '@satupintu/synthetic';
import { postEvaluation, registryQuality, TestStack } from '@satupintu/testing';

/**
 * One person, one record, on data the matcher was never fitted to: an evaluation stream
 * (libs/synthetic/evaluation: re-recorded families, moves, new KKs, splits, twins, namesake sons,
 * common-name skew, corrupted names, dates and NIKs) goes through the gateway, validation and
 * dedup on the real stack, and the registry's own tables are scored against the truth.
 */
describe('registry matching quality', () => {
  const stack = new TestStack('registry-quality');
  let url: string;

  beforeAll(async () => {
    await stack.setUp();
    url = (await stack.start('gateway')).url;
    await stack.start('validation');
    await stack.start('dedup');
  });

  afterAll(() => stack.tearDown());

  it('keeps precision >= 0.995 and recall >= 0.97 on families re-recorded, moved and re-registered', async () => {
    const villages = ['31.71', '32.01'].flatMap((r) => officialRegions().childrenOf(r).flatMap((d) => officialRegions().childrenOf(d)));
    const { records } = generateEvaluation({ families: 400, villages, seed: 303 });
    const ids = await postEvaluation(url, stack.db, records);
    const q = await registryQuality(stack.db, stack.protector, records, ids);
    console.log(JSON.stringify(q));
    expect(q.rejected).toBe(0);
    expect(q.truePairs).toBeGreaterThan(200);
    expect(q.precision).toBeGreaterThanOrEqual(0.995);
    expect(q.recall).toBeGreaterThanOrEqual(0.97);
  }, 900_000);
});
