import { TOPICS, type FamilyRecord } from '@satupintu/contracts';
import { officialRegions } from '@satupintu/domain';
import { generateFamilies } from '@satupintu/synthetic';
import { authFetch, createPrincipal, eventually, produce, submit, TestStack } from '@satupintu/testing';
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';

/** Sixteen digits standing alone: the shape of a NIK and of a KK number. */
const NIK_OR_KK = /(?<!\d)\d{16}(?!\d)/g;

/**
 * A varied workload through all five services (valid, invalid and duplicate submissions, searches
 * by NIK and KK, family and eligibility reads, review, refused and failed sign-ins, out-of-scope
 * records, a poison message that is dead-lettered), then every line every service logged is scanned:
 * no NIK- or KK-shaped number and none of the submitted names.
 */
describe('personal data in logs', () => {
  const stack = new TestStack('pii-logs');
  const villages = officialRegions().childrenOf('31.74.01').slice(0, 3);
  const { records } = generateFamilies({ count: 80, villages, seed: 8080, keyPrefix: 'pii', duplicateRate: 0.1, errorRate: 0.15 });
  const families = records.map((r) => r.family as FamilyRecord);

  beforeAll(async () => {
    await stack.setUp();
    await Promise.all([stack.start('gateway', { extraEnv: { LOG_LEVEL: 'debug' } }), stack.start('validation', { extraEnv: { LOG_LEVEL: 'debug' } }), stack.start('dedup', { extraEnv: { LOG_LEVEL: 'debug' } }), stack.start('aggregation', { extraEnv: { LOG_LEVEL: 'debug' } }), stack.start('eligibility', { extraEnv: { LOG_LEVEL: 'debug' } })]);
  }, 180_000);

  afterAll(() => stack.tearDown());

  it('logs no NIK, no KK number and no submitted name anywhere', async () => {
    const url = stack.services.get('gateway')!.url;
    const cadre = await createPrincipal(url, { role: 'cadre', regions: [villages[0]] });
    const supervisor = await createPrincipal(url, { role: 'supervisor', regions: ['31.74'] });
    const as = (key: string) => ({ authorization: `Bearer ${key}` });

    // Submissions: as the admin in batches, and as a cadre (records outside its village are refused).
    for (let i = 0; i < records.length; i += 20) expect((await submit(url, records.slice(i, i + 20))).status).toBe(202);
    expect((await submit(url, records.slice(0, 10).map((r) => ({ ...r, idempotencyKey: `cadre-${r.idempotencyKey}` })), cadre.key)).status).toBe(202);
    // Hostile records: a NIK where a name goes, names where NIKs go, broken types.
    const f = families.find((x) => x.members.length > 1)!;
    await submit(url, [
      { idempotencyKey: randomUUID(), family: { ...f, members: [{ ...f.members[0], name: f.members[1].nik }] } },
      { idempotencyKey: randomUUID(), family: { ...f, kk: f.members[0].name } },
      { idempotencyKey: randomUUID(), family: { ...f, members: [{ ...f.members[0], nik: Number(f.members[0].nik) }] } },
    ]);
    // A poison message carrying personal data goes to the dead-letter topic.
    await produce(stack, TOPICS.familyValidated, [{ key: f.kk, value: JSON.stringify({ nik: f.members[0].nik, name: f.members[0].name, broken: true }) }]);

    const registered = await eventually(async () => {
      const { rows } = await stack.db.query('select count(*)::int as n from gateway.registry_families');
      return rows[0].n > 40 ? rows[0].n : undefined;
    }, 120_000, 500);
    expect(registered).toBeGreaterThan(40);

    // Reads of personal data, found and not found, in and out of scope, and refused sign-ins.
    for (const fam of families.slice(0, 25)) {
      await authFetch(`${url}/v1/persons?nik=${fam.members[0].nik}`, { headers: as(supervisor.key) });
      await authFetch(`${url}/v1/families?kk=${fam.kk}`, { headers: as(supervisor.key) });
      await authFetch(`${url}/v1/persons?nik=${fam.members[0].nik}`, { headers: as(cadre.key) });
      await authFetch(`${url}/v1/persons?nik=${fam.members[0].nik}`, { headers: { authorization: `Bearer ${fam.members[0].nik}` } });
      await authFetch(`${url}/v1/families/${fam.members[0].nik}`);
    }
    const { rows: found } = await stack.db.query('select family_id from gateway.registry_families limit 10');
    for (const { family_id } of found) {
      await authFetch(`${url}/v1/families/${family_id}`);
      await authFetch(`${url}/v1/families/${family_id}/eligibility`);
    }
    const tasks = (await (await authFetch(`${url}/v1/review-tasks?region=31.74`)).json()) as { tasks: Array<{ taskId: string }> };
    for (const t of tasks.tasks.slice(0, 3)) await authFetch(`${url}/v1/review-tasks/${t.taskId}`);
    await authFetch(`${url}/v1/regions/31.74/indicators`);
    await eventually(async () => (await stack.db.query(`select count(*)::int as n from gateway.eligibility_families`)).rows[0].n > 0, 60_000, 500);
    await new Promise((r) => setTimeout(r, 2000));

    const names = new Set(families.flatMap((x) => x.members.map((m) => m.name)).filter((n) => typeof n === 'string' && n.length >= 5));
    const findings: string[] = [];
    let lines = 0;
    for (const svc of stack.services.values()) {
      for (const line of readFileSync(svc.logFile, 'utf8').split('\n')) {
        if (!line) continue;
        lines += 1;
        const numbers = line.match(NIK_OR_KK);
        if (numbers) findings.push(`${svc.name}: 16-digit number in ${line.slice(0, 200)}`);
        for (const n of names) if (line.includes(n)) findings.push(`${svc.name}: a submitted name in ${line.slice(0, 200)}`);
      }
    }
    expect(findings.slice(0, 10)).toEqual([]);
    expect(lines).toBeGreaterThan(100);
  }, 300_000);
});
