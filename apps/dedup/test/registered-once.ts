import { eventually, type TestStack } from '@satupintu/testing';

/**
 * Waits until all `families` submissions are registered, then checks the registry holds each
 * family and person exactly once: one version, one history entry, one inbox entry per family.
 */
export async function expectRegisteredOnce(stack: TestStack, families: number, persons: number): Promise<void> {
  const q = async (sql: string) => Number((await stack.db.query(sql)).rows[0].n);
  await eventually(async () => (await q('select count(*) as n from registry.families').catch(() => 0)) === families, 240_000, 250);
  await eventually(async () => {
    const r = await stack.db.query(`select count(*) filter (where status = 'registered') as done, count(*) as all from gateway.submission_records`);
    return Number(r.rows[0].done) === families && Number(r.rows[0].all) === families;
  }, 120_000);
  expect(await q('select count(distinct kk_index) as n from registry.families')).toBe(families);
  expect(await q('select count(*) as n from registry.families where version <> 1')).toBe(0);
  expect(await q('select count(*) as n from registry.family_history')).toBe(families);
  expect(await q('select count(*) as n from registry.persons')).toBe(persons);
  expect(await q('select count(*) as n from registry.memberships where valid_to is null')).toBe(persons);
  expect(await q('select count(*) as n from registry.memberships')).toBe(persons);
  expect(await q('select count(*) as n from registry.inbox')).toBe(families);
}
