import type { FamilyRecord } from '@satupintu/contracts';
import { authFetch, createPrincipal, eventually, family, openBrowserPage, submit, TestStack, type BrowserPage, type TestPrincipal } from '@satupintu/testing';
import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
interface Listed { records: Array<{ id: string; status: string; villageCode: string; errors?: Array<{ code: string; message: { id: string; en: string } }> }> }

/**
 * The data officer's page on the real stack (gateway, validation, dedup): a supervisor sees the
 * records of the district by status, the rejected ones by rule with each rule's message (what the
 * API lists), filters by a rule, and downloads the CSV a cadre fixes and resends; a cadre sees only
 * its own records. No console errors; screenshots at 1280 and 360 px.
 */
describe('data officer page (browser)', () => {
  const stack = new TestStack('data-officer');
  let url: string;
  let supervisor: TestPrincipal;
  let cadre: TestPrincipal;
  let b: BrowserPage;
  const village = '31.01.01.1001';
  const good = [family({ village }), family({ village })];
  // A NIK whose date part is not a date, and a second head of family: two rules broken.
  const badNik: FamilyRecord = (() => {
    const f = family({ village: '31.01.01.1002' });
    return { ...f, members: [{ ...f.members[0], nik: `${f.members[0].nik!.slice(0, 6)}999999${f.members[0].nik!.slice(12)}` }, ...f.members.slice(1)] };
  })();
  const twoHeads: FamilyRecord = (() => {
    const f = family({ village });
    return { ...f, members: f.members.map((m) => ({ ...m, relationship: 1 })) };
  })();

  const api = async <T>(path: string, key: string): Promise<T> => {
    const res = await authFetch(`${url}${path}`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  };

  beforeAll(async () => {
    await stack.setUp();
    url = (await stack.start('gateway')).url;
    await Promise.all([stack.start('validation'), stack.start('dedup')]);
    supervisor = await createPrincipal(url, { role: 'supervisor', regions: ['31.01.01'] });
    cadre = await createPrincipal(url, { role: 'cadre', regions: [village] });
    const res = await submit(url, [...good, badNik].map((f, i) => ({ idempotencyKey: `officer-${i}`, family: f })));
    expect(res.body.records.every((r) => r.status === 'accepted')).toBe(true);
    const own = await submit(url, [{ idempotencyKey: 'cadre-1', family: twoHeads }], cadre.key);
    expect(own.body.records[0].status).toBe('accepted');
    await eventually(async () => {
      const s = await api<{ byStatus: Record<string, number> }>('/v1/submissions/summary?region=31.01.01', supervisor.key);
      return s.byStatus.rejected === 2 && s.byStatus.registered === 2 ? true : undefined;
    }, 120_000, 300);
    b = await openBrowserPage({ acceptDownloads: true });
  }, 240_000);

  afterAll(async () => {
    await b?.close();
    await stack.tearDown();
  });

  it('shows the counts and the rejected records with every rule and its message, as the API lists them', async () => {
    const { page, ready } = b;
    await page.goto(`${url}/dashboard#view=data&region=31.01.01`);
    await ready();
    await b.signIn(supervisor.key);
    await page.getByTestId('data-records').locator('tr[data-testid^="record-"]').first().waitFor();
    await ready();
    expect(await page.getByTestId('signin').isVisible()).toBe(false);
    const summary = await api<{ byStatus: Record<string, number>; rejectedByRule: Array<{ code: string; records: number }> }>('/v1/submissions/summary?region=31.01.01', supervisor.key);
    expect(await page.getByTestId('data-count-rejected').textContent()).toBe(String(summary.byStatus.rejected));
    expect(await page.getByTestId('data-count-registered').textContent()).toBe(String(summary.byStatus.registered));
    for (const r of summary.rejectedByRule) expect(await page.getByTestId(`rule-count-${r.code}`).textContent()).toBe(String(r.records));
    const listed = await api<Listed>('/v1/submissions?region=31.01.01&status=rejected', supervisor.key);
    expect(listed.records).toHaveLength(2);
    for (const r of listed.records) {
      const row = page.getByTestId(`record-${r.id}`);
      for (const e of r.errors!) expect(await row.textContent()).toContain(`${e.code} ${e.message.id}`);
    }
    await b.screenshot('data-officer-1280.png');
  });

  it('filters by a rule and downloads the CSV to fix and resend', async () => {
    const { page, ready } = b;
    const listed = await api<Listed>('/v1/submissions?region=31.01.01&status=rejected', supervisor.key);
    const code = listed.records.find((r) => r.errors!.some((e) => e.code.startsWith('NIK_')))!.errors!.find((e) => e.code.startsWith('NIK_'))!.code;
    await page.getByTestId('data-filter-rule').selectOption(code);
    await page.waitForFunction((c) => (globalThis as unknown as { document: { location: { hash: string } } }).document.location.hash.includes(`rule=${c}`), code);
    await ready();
    const filtered = await api<Listed>(`/v1/submissions?region=31.01.01&status=rejected&rule=${code}`, supervisor.key);
    expect(filtered.records).toHaveLength(1);
    expect(await page.getByTestId('data-records').locator('tr[data-testid^="record-"]').count()).toBe(1);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('data-csv').click()]);
    const rows: Array<Record<string, string>> = parse(readFileSync(await download.path()), { columns: true });
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(rows.every((r) => r.record_id === filtered.records[0].id && r.status === 'rejected')).toBe(true);
    expect(rows.map((r) => r.rule_code)).toContain(code);

    // All rules again, then one village: only its rejected record.
    await page.getByTestId('data-filter-rule').selectOption('');
    await page.waitForFunction(() => !(globalThis as unknown as { document: { location: { hash: string } } }).document.location.hash.includes('rule='));
    await ready();
    await page.getByTestId('data-filter-village').selectOption('31.01.01.1002');
    await page.waitForFunction(() => (globalThis as unknown as { document: { location: { hash: string } } }).document.location.hash.includes('region=31.01.01.1002'));
    await ready();
    const inVillage = await api<Listed>('/v1/submissions?region=31.01.01.1002&status=rejected', supervisor.key);
    expect(inVillage.records.map((r) => r.villageCode)).toEqual(['31.01.01.1002']);
    const shown = await page.getByTestId('data-records').locator('tr[data-testid^="record-"]').evaluateAll((trs) => trs.map((tr) => (tr as unknown as { dataset: { testid: string } }).dataset.testid));
    expect(shown).toEqual(inVillage.records.map((r) => `record-${r.id}`));
  });

  it('shows a cadre only its own records, and fits a 360 px phone', async () => {
    const { page, ready } = b;
    await page.getByTestId('signout').click();
    await page.goto(`${url}/dashboard#view=data&region=${village}`);
    await ready();
    await b.signIn(cadre.key);
    await page.getByTestId('data-records').locator('tr[data-testid^="record-"]').first().waitFor();
    await ready();
    const own = await api<Listed>(`/v1/submissions?region=${village}&status=rejected`, cadre.key);
    expect(own.records).toHaveLength(1);
    expect(await page.getByTestId('data-records').locator('tr[data-testid^="record-"]').count()).toBe(1);
    expect(await page.getByTestId('nav-review').isVisible()).toBe(false);
    await page.setViewportSize({ width: 360, height: 780 });
    await ready();
    expect(await b.width()).toBeLessThanOrEqual(360);
    await b.screenshot('data-officer-360.png');
    expect(b.problems).toEqual([]);
  });
});
