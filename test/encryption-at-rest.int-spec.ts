import type { FamilyRecord } from '@satupintu/contracts';
import { LocalKeyring } from '@satupintu/protection';
import { generateFamilies } from '@satupintu/synthetic';
import { eventually, ROOT, submit, TestStack } from '@satupintu/testing';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * Encryption at rest of the registry (docs/security.md "Encryption at rest"), on the real stack: the
 * tables read raw hold no NIK or KK (no 16-digit number), no submitted name and no birth date; a
 * registry written in clear is protected when encryption is turned on, and keeps matching; a new
 * master key is rotated in beside the running service, after which the old key can be retired.
 */
describe('encryption at rest of the registry', () => {
  const stack = new TestStack('at-rest');
  let gateway: string;
  const ringA = stack.keyring;
  const ringB = LocalKeyring.withNewKey(ringA, 'test-b');
  const ringBOnly = { ...ringB, keys: { 'test-b': ringB.keys['test-b'] } };
  const VILLAGES = ['31.71.01.1001', '31.71.01.1002', '31.71.02.1001'];
  const families = (seed: number, count: number): FamilyRecord[] =>
    generateFamilies({ count, villages: VILLAGES, seed, keyPrefix: `at-rest-${seed}`, duplicateRate: 0, errorRate: 0 }).records.map((r) => r.family as FamilyRecord);
  const batchA = families(301, 12);
  const batchB = families(302, 12);
  const batchC = families(303, 12);
  let keySerial = 0;

  const post = async (records: FamilyRecord[]) => {
    const res = await submit(gateway, records.map((family) => ({ idempotencyKey: `at-rest-${(keySerial += 1)}`, family })));
    expect(res.status).toBe(202);
  };
  /** Families of these KKs in the registry, found by the blind index `index` computes (the KK itself when protection is off). */
  const registered = async (records: FamilyRecord[], index: (kk: string) => string) =>
    Number((await stack.db.query('select count(*)::int as n from registry.families where kk_index = any($1)', [records.map((f) => index(f.kk))])).rows[0].n);
  const byBlindIndex = (kk: string) => stack.index('kk', kk);
  /** Every row of every registry table as text, once its outbox is empty (outbox rows live until Kafka has them, then go). */
  const rawRegistry = async (): Promise<string> => {
    await eventually(async () => Number((await stack.db.query('select count(*)::int as n from registry.outbox')).rows[0].n) === 0, 60_000);
    const tables = (await stack.db.query(`select table_name from information_schema.tables where table_schema = 'registry' and table_type = 'BASE TABLE' order by 1`)).rows.map((r) => r.table_name as string);
    expect(tables).toEqual(expect.arrayContaining(['families', 'persons', 'person_observations', 'family_history', 'memberships', 'merges', 'review_tasks']));
    const parts = await Promise.all(tables.map(async (t) => (await stack.db.query(`select coalesce(string_agg(r::text, E'\\n'), '') as text from registry."${t}" r`)).rows[0].text as string));
    return parts.join('\n');
  };
  /** What of the submitted families' identifiers the raw text shows. */
  const exposed = (raw: string, records: FamilyRecord[]) => {
    const members = records.flatMap((f) => f.members);
    // A name as a word of its own: a short one ("Dian") turns up by chance inside base64 text, never between non-base64 characters.
    const asWord = (name: string) => new RegExp(`(?<![A-Za-z0-9_-])${name.replace(/[^A-Za-z ]/g, '.')}(?![A-Za-z0-9_-])`, 'i');
    return {
      sixteenDigitNumbers: (raw.match(/(?<!\d)\d{16}(?!\d)/g) ?? []).length,
      names: members.filter((m) => asWord(m.name).test(raw)).length,
      birthDates: members.filter((m) => m.birthDate < '2020' && raw.includes(m.birthDate)).length,
    };
  };
  const nothingExposed = { sixteenDigitNumbers: 0, names: 0, birthDates: 0 };
  /** Protected values of the registry not under the master key `keyId`. */
  const notUnder = async (keyId: string) => {
    const prefix = `sp1.${keyId}.%`;
    const q = async (sql: string) => Number((await stack.db.query(sql, [prefix])).rows[0].n);
    return {
      persons: await q('select count(*)::int as n from registry.persons where identity not like $1'),
      observations: await q('select count(*)::int as n from registry.person_observations where identity not like $1'),
      families: await q('select count(*)::int as n from registry.families where kk not like $1'),
      history: await q(`select count(*)::int as n from registry.family_history where (after #>> '{}') not like $1 or (diff #>> '{}') not like $1`),
    };
  };
  /** `main.js rotate` of dedup, as the ops command runs it (a process of its own, beside the running service). */
  const rotate = async (ring: object, ...args: string[]) => {
    const { stdout } = await promisify(execFile)(process.execPath, ['-r', join(ROOT, 'tools/runtime/register-paths.js'), join(ROOT, 'dist/apps/dedup/src/main.js'), 'rotate', ...args], {
      env: stack.env('dedup', 0, { LOG_LEVEL: 'warn', PROTECTION_KEYRING: JSON.stringify(ring) }),
      encoding: 'utf8',
      timeout: 120_000,
    });
    return JSON.parse(stdout) as { activeKey: string; dryRun: boolean; tables: Array<{ table: string; scanned: number; due: number; rewritten: number }> };
  };

  beforeAll(async () => {
    await stack.setUp();
    gateway = (await stack.start('gateway')).url;
    await stack.start('validation');
  });

  afterAll(() => stack.tearDown());

  it('shows the identifiers in the raw tables with PROTECTION=off (so the scan below can see them)', async () => {
    await stack.start('dedup', { extraEnv: { PROTECTION: 'off' } });
    await post(batchA);
    await eventually(async () => (await registered(batchA, (kk) => kk)) === batchA.length, 90_000);
    const seen = exposed(await rawRegistry(), batchA);
    expect(seen.sixteenDigitNumbers).toBeGreaterThan(0);
    expect(seen.names).toBe(batchA.flatMap((f) => f.members).length);
    await stack.stop('dedup');
  });

  it('protects a registry written in clear before taking work, and keeps finding its families and persons', async () => {
    await stack.start('dedup');
    // The first family again with one name corrected, and a new batch.
    const [first] = batchA;
    const corrected: FamilyRecord = { ...first, members: first.members.map((m, i) => (i === 0 ? { ...m, name: `${m.name} Saputra` } : m)) };
    await post([corrected, ...batchB]);
    await eventually(async () => (await registered(batchB, byBlindIndex)) === batchB.length, 90_000);
    const version = async () => (await stack.db.query('select version from registry.families where kk_index = $1', [byBlindIndex(first.kk)])).rows.map((r) => r.version as number);
    await eventually(async () => (await version())[0] === 2, 60_000);
    // Matched to the family and persons written in clear: one family, no new person.
    expect(await version()).toEqual([2]);
    expect(await registered(batchA, byBlindIndex)).toBe(batchA.length);
    const head = (await stack.db.query('select identity from registry.persons where nik_index = $1', [stack.index('nik', first.members[0].nik!)])).rows;
    expect(head).toHaveLength(1);
    expect(await stack.openIdentity(head[0].identity)).toEqual({ nik: first.members[0].nik, name: corrected.members[0].name, birthDate: first.members[0].birthDate });

    expect(exposed(await rawRegistry(), [...batchA, corrected, ...batchB])).toEqual(nothingExposed);
    expect(await notUnder('test-a')).toEqual({ persons: 0, observations: 0, families: 0, history: 0 });
  });

  it('rotates to a new master key beside the running service, resumably; the old key can then be retired', async () => {
    // The new ring goes to the service first; what it writes from then on is under the new key.
    await stack.stop('dedup');
    await stack.start('dedup', { extraEnv: { PROTECTION_KEYRING: JSON.stringify(ringB) } });
    const dry = await rotate(ringB, '--dry-run');
    expect(dry.dryRun).toBe(true);
    const due = dry.tables.reduce((n, t) => n + t.due, 0);
    expect(due).toBeGreaterThan(0);
    expect((await notUnder('test-b')).persons).toBeGreaterThan(0); // a dry run writes nothing

    // Rotation while families keep arriving.
    const [, report] = await Promise.all([post(batchC), rotate(ringB)]);
    expect(report.activeKey).toBe('test-b');
    expect(report.tables.map((t) => t.table)).toEqual(['registry.persons', 'registry.person_observations', 'registry.families', 'registry.family_history']);
    await eventually(async () => (await registered(batchC, byBlindIndex)) === batchC.length, 90_000);
    // Run again (as after an interruption): what is left is done, nothing is done twice.
    const again = await rotate(ringB);
    expect(again.tables.reduce((n, t) => n + t.rewritten, 0)).toBeLessThanOrEqual(batchC.length * 20);
    expect((await rotate(ringB)).tables.every((t) => t.due === 0)).toBe(true);
    expect(await notUnder('test-b')).toEqual({ persons: 0, observations: 0, families: 0, history: 0 });

    // The old key retired: the service reads everything, matches a known family, and the index rebuilds from the registry.
    await stack.stop('dedup');
    await stack.start('dedup', { extraEnv: { PROTECTION_KEYRING: JSON.stringify(ringBOnly) } });
    const [, second] = batchA;
    await post([{ ...second, members: second.members.map((m, i) => (i === 0 ? { ...m, name: `${m.name} Wijaya` } : m)) }]);
    await eventually(async () => (await stack.db.query('select version from registry.families where kk_index = $1', [byBlindIndex(second.kk)])).rows[0]?.version === 2, 60_000);
    expect(await registered(batchA, byBlindIndex)).toBe(batchA.length);
    expect(exposed(await rawRegistry(), [...batchA, ...batchB, ...batchC])).toEqual(nothingExposed);
    expect(await stack.deadLetters('dedup')).toBe(0);
  });
});
