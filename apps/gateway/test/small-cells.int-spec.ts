import type { FamilyRecord } from '@satupintu/contracts';
import { officialRegions } from '@satupintu/domain';
import { authFetch, createPrincipal, eventually, family, submit, TestStack, type TestPrincipal } from '@satupintu/testing';

/**
 * Small-cell suppression on the real stack: pregnancies (a sensitive count) registered through the
 * gateway, counted by aggregation, answered by the indicator API: a village with 2 is hidden, a
 * sibling too (so the district's count minus the others does not give it away), the village's own
 * answer agrees, the CSV says "suppressed", and only a role granted the detail sees it, audited.
 */
type Row = { id: string; numerator: number | null; value: number | null; suppressed?: true };
type Answer = { indicators: Row[]; children: Array<{ code: string; indicators: Row[] }>; minCellSize: number | null };

describe('small-cell suppression of indicators', () => {
  const stack = new TestStack('small-cells');
  let url: string;
  let analyst: TestPrincipal;
  const district = '31.71.01';
  const [a, b, c] = officialRegions().childrenOf(district);

  // Distinct wives (names and birthdays), so that the registry keeps them apart.
  const NAMES = ['Siti Aminah', 'Dewi Lestari', 'Rina Marlina', 'Nur Hasanah', 'Yuni Kartika', 'Fitri Handayani', 'Wulan Sari', 'Indah Permata', 'Ratna Juwita', 'Lia Amalia', 'Desi Ratnasari', 'Eka Putri', 'Maya Sofia', 'Tuti Alawiyah', 'Rosa Melati'];
  let wives = 0;
  const pregnant = (village: string): FamilyRecord => {
    const f = family({ village, members: 2 });
    const { nik: _nik, ...wife } = f.members[1];
    void _nik;
    const k = wives++;
    return { ...f, members: [f.members[0], { ...wife, name: NAMES[k], birthDate: `19${85 + (k % 12)}-0${(k % 9) + 1}-1${k % 10}`, pregnant: true }] };
  };
  const get = async (path: string, key?: string) => {
    const res = await authFetch(`${url}${path}`, key ? { headers: { authorization: `Bearer ${key}` } } : {});
    return { status: res.status, body: (await res.json().catch(() => null)) as Answer };
  };
  const pregnancies = (rows: Row[]) => rows.find((r) => r.id === 'health.pregnant')!;

  beforeAll(async () => {
    await stack.setUp();
    url = (await stack.start('gateway')).url;
    await Promise.all([stack.start('validation'), stack.start('dedup'), stack.start('aggregation')]);
    analyst = await createPrincipal(url, { role: 'analyst', regions: ['31.71'] });
    const families = [...Array.from({ length: 2 }, () => pregnant(a)), ...Array.from({ length: 7 }, () => pregnant(b)), ...Array.from({ length: 6 }, () => pregnant(c))];
    const res = await submit(url, families.map((f, i) => ({ idempotencyKey: `small-${i}`, family: f })));
    expect(res.body.records.every((r) => r.status === 'accepted')).toBe(true);
    await eventually(async () => {
      const { body } = await get(`/v1/regions/${district}/indicators?theme=health&detail=true`);
      return pregnancies(body.indicators).numerator === 15 ? true : undefined;
    }, 180_000, 500);
  }, 300_000);

  afterAll(() => stack.tearDown());

  it('hides the small village and one sibling, and answers the village itself the same way', async () => {
    const { status, body } = await get(`/v1/regions/${district}/indicators?theme=health`, analyst.key);
    expect(status).toBe(200);
    expect(body.minCellSize).toBe(5);
    expect(pregnancies(body.indicators)).toMatchObject({ numerator: 15, value: 15 });
    const byVillage = Object.fromEntries(body.children.map((ch) => [ch.code, pregnancies(ch.indicators)]));
    expect(byVillage[a]).toMatchObject({ numerator: null, value: null, suppressed: true });
    // One more village hidden: the smallest of the others (6 in c), so 15 - 7 does not give a's 2.
    expect(byVillage[c]).toMatchObject({ numerator: null, suppressed: true });
    expect(byVillage[b]).toMatchObject({ numerator: 7 });
    const shown = body.children.map((ch) => pregnancies(ch.indicators).numerator).filter((n): n is number => n !== null);
    expect(15 - shown.reduce((s, n) => s + n, 0)).toBe(8); // the two hidden villages together, never one alone
    for (const v of [a, c]) expect(pregnancies((await get(`/v1/regions/${v}/indicators?theme=health`, analyst.key)).body.indicators)).toMatchObject({ numerator: null, suppressed: true });
    expect(pregnancies((await get(`/v1/regions/${b}/indicators?theme=health`, analyst.key)).body.indicators)).toMatchObject({ numerator: 7 });
    const csv = await (await authFetch(`${url}/v1/regions/${district}/indicators?theme=health&format=csv`, { headers: { authorization: `Bearer ${analyst.key}` } })).text();
    const line = csv.split('\n').find((l) => l.startsWith(`${a},`) && l.includes('health.pregnant'))!;
    expect(line).toContain('suppressed');
    expect(line).not.toMatch(/,2,/);
  });

  it('shows the detail only to a role granted it, and audits it', async () => {
    expect((await get(`/v1/regions/${district}/indicators?theme=health&detail=true`, analyst.key)).status).toBe(403);
    const { body } = await get(`/v1/regions/${district}/indicators?theme=health&detail=true`);
    expect(body.minCellSize).toBeNull();
    expect(pregnancies(body.children.find((ch) => ch.code === a)!.indicators).numerator).toBe(2);
    const audit = await stack.db.query(`select count(*) as n from gateway.audit_log where action = 'indicators.detail'`);
    expect(Number(audit.rows[0].n)).toBeGreaterThanOrEqual(2);
  });

  it("shows a health office's analyst the health detail of its regions for its own purpose, and nothing more", async () => {
    const health = await createPrincipal(url, { role: 'analyst', regions: ['31.71'], purposes: ['statistics', 'health'], label: 'dinkes-dki-analyst' });
    const as = (purpose?: string) => ({ authorization: `Bearer ${health.key}`, ...(purpose ? { 'x-purpose': purpose } : {}) });
    const fetchAs = async (path: string, purpose?: string) => {
      const res = await authFetch(`${url}${path}`, { headers: as(purpose) });
      return { status: res.status, body: (await res.json()) as Answer };
    };
    const granted = await fetchAs(`/v1/regions/${district}/indicators?theme=health&detail=true`, 'health');
    expect(granted.status).toBe(200);
    expect(granted.body.minCellSize).toBeNull();
    expect(pregnancies(granted.body.children.find((ch) => ch.code === a)!.indicators).numerator).toBe(2);
    const entry = await stack.db.query(`select purpose, region from gateway.audit_log where action = 'indicators.detail' and actor_id = $1`, [health.id]);
    expect(entry.rows).toEqual([{ purpose: 'health', region: district }]);
    // Not another theme, not every theme at once, not outside its regions.
    expect((await fetchAs(`/v1/regions/${district}/indicators?theme=economy&detail=true`, 'health')).status).toBe(403);
    expect((await fetchAs(`/v1/regions/${district}/indicators?detail=true`, 'health')).status).toBe(403);
    expect((await fetchAs(`/v1/regions/31.72/indicators?theme=health&detail=true`, 'health')).status).toBe(403);
    // Under its other purpose it has no detail; without the detail it sees what everyone sees.
    expect((await fetchAs(`/v1/regions/${district}/indicators?theme=health&detail=true`, 'statistics')).status).toBe(403);
    expect(pregnancies((await fetchAs(`/v1/regions/${a}/indicators?theme=health`, 'health')).body.indicators)).toMatchObject({ numerator: null, suppressed: true });
  });
});
