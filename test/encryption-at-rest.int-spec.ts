import type { FamilyRecord } from '@satupintu/contracts';
import { formatNik } from '@satupintu/domain';
import { LocalKeyring, type KeyringJson } from '@satupintu/protection';
import { generateFamilies } from '@satupintu/synthetic';
import { authFetch, eventually, ROOT, SERVERS, submit, TestStack, type ServiceName } from '@satupintu/testing';
import Redis from 'ioredis';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const SCHEMAS = ['registry', 'gateway', 'eligibility', 'aggregation', 'subscriptions'];
/** Where the stores' contents are scanned: every schema, and Redis (dedup's matching index, rate limits...). */
const STORES = [...SCHEMAS, 'redis'];
/** The services that keep protected values, and so hold the keyring (all but validation). */
const KEYED: ServiceName[] = ['gateway', 'dedup', 'eligibility', 'aggregation', 'subscriptions'];
/** Birth dates stay in clear only in the gateway's read model, where the DCI API queries them (docs/security.md). */
const BIRTH_DATES_KEPT = 'gateway';
const AGENCY = 'dinsos-at-rest';

/**
 * Encryption at rest (docs/security.md "Encryption at rest") on the real stack, all six services:
 * every table of every schema and Redis, read raw, hold no NIK or KK (no 16-digit number), no
 * submitted name and, but for the gateway's read model, no birth date; data written in clear (PROTECTION=off, as before encryption
 * existed) is protected when the services start with keys, and still found by NIK and KK; a new
 * master key is rotated in beside the running services, after which the old key can be retired.
 */
describe('encryption at rest', () => {
  const stack = new TestStack('at-rest');
  let gateway: string;
  const ringA = stack.keyring;
  const ringB = LocalKeyring.withNewKey(ringA, 'test-b');
  const ringBOnly: KeyringJson = { ...ringB, keys: { 'test-b': ringB.keys['test-b'] } };
  const VILLAGES = ['31.71.01.1001', '31.71.01.1002', '31.71.02.1001'];
  const families = (seed: number, count: number): FamilyRecord[] =>
    generateFamilies({ count, villages: VILLAGES, seed, keyPrefix: `at-rest-${seed}`, duplicateRate: 0, errorRate: 0 }).records.map((r) => r.family as FamilyRecord);
  const batchA = families(301, 12);
  const batchB = families(302, 12);
  const batchC = families(303, 12);
  // Two households with the same child, the second without her NIK: a review task (or a merge) in the registry and the gateway.
  const household = (village: string, serial: number, child: { nik?: string; name: string; birthDate: string; sex: 'M' | 'F' }): FamilyRecord => {
    const district = village.slice(0, 8);
    return {
      kk: `${district.replace(/\./g, '')}0404${String(serial).padStart(6, '0')}`,
      address: { villageCode: village, rt: '002', rw: '003' },
      members: [
        { nik: formatNik(district, '1978-02-02', 'M', serial * 3 + 1), name: `Bapak Rahasia ${serial}`, sex: 'M', birthDate: '1978-02-02', relationship: 1 },
        { nik: formatNik(district, '1981-03-03', 'F', serial * 3 + 2), name: `Ibu Rahasia ${serial}`, sex: 'F', birthDate: '1981-03-03', relationship: 3 },
        { ...child, relationship: 4 },
      ],
    };
  };
  const child = { name: 'Rina Kartika Wulandari', birthDate: '2011-06-21', sex: 'F' as const };
  const pair = [household('31.71.01.1001', 41, { ...child, nik: formatNik('31.71.01', child.birthDate, 'F', 7301) }), household('31.71.02.1001', 42, child)];
  const everyone = [...batchA, ...batchB, ...batchC, ...pair];
  let keySerial = 0;

  const post = async (records: FamilyRecord[]) => {
    const res = await submit(gateway, records.map((family) => ({ idempotencyKey: `at-rest-${(keySerial += 1)}`, family })));
    expect(res.status).toBe(202);
  };
  const count = async (sql: string, params: unknown[] = []) => Number((await stack.db.query(sql, params)).rows[0].n);
  /** Families of these KKs in the registry, found by the blind index `index` computes (the KK itself when protection is off). */
  const registered = (records: FamilyRecord[], index: (kk: string) => string) =>
    count('select count(*)::int as n from registry.families where kk_index = any($1)', [records.map((f) => index(f.kk))]);
  const byBlindIndex = (kk: string) => stack.index('kk', kk);
  /** Every service has caught up with the registry: the gateway's read model, eligibility, aggregation and the agency's views. */
  const settled = async (families: number) =>
    eventually(async () => {
      const [read, eligible, counted, viewed, outboxes] = await Promise.all([
        count('select count(*)::int as n from gateway.registry_families'),
        count('select count(*)::int as n from eligibility.families'),
        count('select count(*)::int as n from aggregation.families'),
        count('select count(*)::int as n from subscriptions.agency_families where agency_id = $1', [AGENCY]),
        count(`select (select count(*) from registry.outbox) + (select count(*) from gateway.outbox) + (select count(*) from subscriptions.outbox) as n`),
      ]);
      return read >= families && eligible >= families && counted >= families && viewed >= families && outboxes === 0;
    }, 120_000, 500);
  let redis: Redis;
  /** Every key of this stack in Redis with its value (strings, sets, hashes), as text. */
  const redisText = async (): Promise<Array<{ table: string; text: string }>> => {
    const out: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${stack.prefix}*`, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) {
        const type = await redis.type(key);
        const value = type === 'string' ? await redis.get(key) : type === 'set' ? (await redis.smembers(key)).join(' ') : type === 'hash' ? JSON.stringify(await redis.hgetall(key)) : '';
        out.push(`${key} ${value ?? ''}`);
      }
    } while (cursor !== '0');
    return [{ table: 'keys', text: out.join('\n') }];
  };
  /** Every row of every table of a schema, as text, by table. */
  const rawText = async (schema: string): Promise<Array<{ table: string; text: string }>> => {
    if (schema === 'redis') return redisText();
    const tables = (await stack.db.query(`select table_name from information_schema.tables where table_schema = $1 and table_type = 'BASE TABLE' order by 1`, [schema])).rows.map((r) => r.table_name as string);
    return Promise.all(tables.map(async (table) => ({ table, text: (await stack.db.query(`select coalesce(string_agg(r::text, E'\\n'), '') as text from "${schema}"."${table}" r`)).rows[0].text as string })));
  };
  /** What the raw tables show of the submitted families' identifiers, per schema. */
  const exposed = async (records: FamilyRecord[]) => {
    const members = records.flatMap((f) => f.members);
    // A name as a word of its own: a short one ("Dian") turns up by chance inside base64 text, never between non-base64 characters.
    const asWord = (name: string) => new RegExp(`(?<![A-Za-z0-9_-])${name.replace(/[^A-Za-z ]/g, '.')}(?![A-Za-z0-9_-])`, 'i');
    const found: Record<string, { sixteenDigitNumbers: number; names: number; birthDates?: number; tables: string[] }> = {};
    for (const schema of STORES) {
      const tables = await rawText(schema);
      const raw = tables.map((t) => t.text).join('\n');
      // Sixteen digits standing alone: not the decimals of a match probability (0.9999999999999998), nor a run inside a hex hash or base64 text.
      const numbers = (text: string) => (text.match(/(?<![0-9A-Za-z.])\d{16}(?![0-9A-Za-z.])/g) ?? []).length;
      const names = (text: string) => members.filter((m) => asWord(m.name).test(text)).length;
      const birthDates = (text: string) => (schema !== BIRTH_DATES_KEPT ? members.filter((m) => m.birthDate! < '2020' && text.includes(m.birthDate!)).length : 0);
      found[schema] = {
        sixteenDigitNumbers: numbers(raw),
        names: names(raw),
        ...(schema !== BIRTH_DATES_KEPT ? { birthDates: birthDates(raw) } : {}),
        tables: tables.filter((t) => numbers(t.text) + names(t.text) + birthDates(t.text) > 0).map((t) => t.table),
      };
    }
    return found;
  };
  const nothingExposed = Object.fromEntries(STORES.map((s) => [s, { sixteenDigitNumbers: 0, names: 0, ...(s !== BIRTH_DATES_KEPT ? { birthDates: 0 } : {}), tables: [] }]));
  /** Protected values not under the master key `keyId`, per table. */
  const notUnder = async (keyId: string) => {
    const prefix = `sp1.${keyId}.%`;
    const q = (sql: string) => count(sql, [prefix]);
    return {
      persons: await q('select count(*)::int as n from registry.persons where identity not like $1'),
      observations: await q('select count(*)::int as n from registry.person_observations where identity not like $1'),
      families: await q('select count(*)::int as n from registry.families where kk not like $1'),
      history: await q(`select count(*)::int as n from registry.family_history where (after #>> '{}') not like $1 or (diff #>> '{}') not like $1`),
      readModel: await q('select count(*)::int as n from gateway.registry_families where identity not like $1'),
      reviewTasks: await q('select count(*)::int as n from gateway.review_tasks where identity not like $1'),
      agencyViews: await q(`select count(*)::int as n from subscriptions.agency_families where (payload #>> '{}') not like $1`),
      eligibilityStates: await q(`select count(*)::int as n from eligibility.families where (state #>> '{}') not like $1`),
      aggregationStates: await q(`select count(*)::int as n from aggregation.families where (state #>> '{}') not like $1`),
      webhookBodies: await q(`select count(*)::int as n from subscriptions.webhook_deliveries where body <> '' and body not like $1`),
    };
  };
  const allUnder = { persons: 0, observations: 0, families: 0, history: 0, readModel: 0, reviewTasks: 0, agencyViews: 0, eligibilityStates: 0, aggregationStates: 0, webhookBodies: 0 };
  /** Restarts the services that hold keys with this environment (the gateway first: the others' readiness does not need it). */
  const restartKeyed = async (env: Record<string, string>) => {
    for (const name of KEYED) await stack.stop(name);
    gateway = (await stack.start('gateway', { extraEnv: env })).url;
    await Promise.all(KEYED.filter((n) => n !== 'gateway').map((n) => stack.start(n, { extraEnv: env })));
  };
  /** A service's `main.js rotate`, as `satupintu ops rotate-keys` runs it, beside the running service. */
  const rotate = async (service: ServiceName, ring: KeyringJson, ...args: string[]) => {
    const { stdout } = await promisify(execFile)(process.execPath, ['-r', join(ROOT, 'tools/runtime/register-paths.js'), join(ROOT, `dist/apps/${service}/src/main.js`), 'rotate', ...args], {
      env: stack.env(service, 0, { LOG_LEVEL: 'warn', PROTECTION_KEYRING: JSON.stringify(ring) }),
      encoding: 'utf8',
      timeout: 120_000,
    });
    return JSON.parse(stdout) as { activeKey: string; dryRun: boolean; tables: Array<{ table: string; scanned: number; due: number; rewritten: number }> };
  };
  const rotateAll = async (ring: KeyringJson, ...args: string[]) => (await Promise.all(KEYED.map((s) => rotate(s, ring, ...args)))).flatMap((r) => r.tables);

  beforeAll(async () => {
    redis = new Redis(SERVERS.redisUrl);
    await stack.setUp();
    await stack.start('validation');
  });

  afterAll(async () => {
    redis.disconnect();
    await stack.tearDown();
  });

  it('shows the identifiers in the raw tables with PROTECTION=off (so the scan below can see them)', async () => {
    await restartKeyed({ PROTECTION: 'off' });
    // An agency granted NIKs and names, whose webhook receiver is down: its views and the bodies waiting for it are kept.
    const grant = await authFetch(`${gateway}/v1/admin/agencies/${AGENCY}/grant`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ eventTypes: ['family.changed'], fields: ['kk', 'members.nik', 'members.name', 'members.birthDate'], regions: ['31.71'], purpose: 'social-protection', webhook: { url: 'http://127.0.0.1:9/hooks' } }),
    });
    expect(grant.status).toBeLessThan(300);
    await post([...batchA, pair[0]]);
    await eventually(async () => (await registered([...batchA, pair[0]], (kk) => kk)) === batchA.length + 1, 90_000);
    await post([pair[1]]);
    await eventually(async () => (await count('select count(*)::int as n from gateway.review_tasks')) + (await count('select count(*)::int as n from gateway.merges')) > 0, 90_000);
    await settled(batchA.length + 2);
    const seen = await exposed(everyone);
    for (const schema of ['registry', 'gateway', 'subscriptions', 'redis']) {
      expect({ schema, numbers: seen[schema].sixteenDigitNumbers > 0, names: seen[schema].names > 0 }).toEqual({ schema, numbers: true, names: true });
    }
    // Eligibility and aggregation never keep NIKs, KKs or names; their birth dates are seen in clear here.
    for (const schema of ['eligibility', 'aggregation']) expect({ schema, birthDates: (seen[schema].birthDates ?? 0) > 0 }).toEqual({ schema, birthDates: true });
  });

  it('protects what was written in clear before taking work, keeps finding it by NIK and KK, and shows no identifier in any table', async () => {
    await restartKeyed({});
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
    await settled(batchA.length + batchB.length + 2);

    // Through the API, by NIK and KK, as before: the family written in clear and the new one.
    const byNik = async (nik: string) => ((await (await authFetch(`${gateway}/v1/persons?nik=${nik}`)).json()) as { persons: Array<{ name: string; kk: string }> }).persons;
    await eventually(async () => (await byNik(first.members[0].nik!))[0]?.name === corrected.members[0].name, 60_000);
    expect((await byNik(first.members[0].nik!)).map((p) => p.kk)).toEqual([first.kk]);
    expect(((await (await authFetch(`${gateway}/v1/families?kk=${batchB[0].kk}`)).json()) as { families: unknown[] }).families).toHaveLength(1);
    const task = ((await (await authFetch(`${gateway}/v1/review-tasks?region=31.71`)).json()) as { tasks: Array<{ taskId: string }> }).tasks[0];
    if (task) expect(pair.flatMap((f) => f.members.map((m) => m.name))).toContain(((await (await authFetch(`${gateway}/v1/review-tasks/${task.taskId}`)).json()) as { a: { name: string } }).a.name);

    expect(await exposed(everyone)).toEqual(nothingExposed);
    expect(await notUnder('test-a')).toEqual(allUnder);
  });

  it('rotates to a new master key beside the running services, resumably; the old key can then be retired', async () => {
    // The new ring goes to the services first; what they write from then on is under the new key.
    await restartKeyed({ PROTECTION_KEYRING: JSON.stringify(ringB) });
    const dry = await rotateAll(ringB, '--dry-run');
    expect(dry.reduce((n, t) => n + t.due, 0)).toBeGreaterThan(0);
    expect((await notUnder('test-b')).persons).toBeGreaterThan(0); // a dry run writes nothing

    // Rotation while families keep arriving.
    const [, tables] = await Promise.all([post(batchC), rotateAll(ringB)]);
    expect(tables.map((t) => t.table)).toEqual(
      expect.arrayContaining(['registry.persons', 'registry.family_history', 'gateway.registry_families', 'gateway.review_tasks', 'eligibility.families', 'aggregation.families', 'subscriptions.agency_families', 'subscriptions.webhook_deliveries']),
    );
    await eventually(async () => (await registered(batchC, byBlindIndex)) === batchC.length, 90_000);
    await settled(everyone.length);
    // Run again (as after an interruption): what is left is done; a third run finds nothing due.
    await rotateAll(ringB);
    expect((await rotateAll(ringB)).filter((t) => t.due > 0)).toEqual([]);
    expect(await notUnder('test-b')).toEqual(allUnder);

    // The old key retired: the services read everything, match a known family, and answer by NIK.
    await restartKeyed({ PROTECTION_KEYRING: JSON.stringify(ringBOnly) });
    const [, second] = batchA;
    await post([{ ...second, members: second.members.map((m, i) => (i === 0 ? { ...m, name: `${m.name} Wijaya` } : m)) }]);
    await eventually(async () => (await stack.db.query('select version from registry.families where kk_index = $1', [byBlindIndex(second.kk)])).rows[0]?.version === 2, 60_000);
    await eventually(async () => ((await (await authFetch(`${gateway}/v1/persons?nik=${second.members[0].nik}`)).json()) as { persons: Array<{ name: string }> }).persons[0]?.name === `${second.members[0].name} Wijaya`, 60_000);
    expect(await registered(batchA, byBlindIndex)).toBe(batchA.length);
    await settled(everyone.length);
    expect(await exposed(everyone)).toEqual(nothingExposed);
    expect(await stack.deadLetters()).toBe(0);
  });
});
