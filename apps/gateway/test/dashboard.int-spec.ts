import type { FamilyRecord } from '@satupintu/contracts';
import { officialRegions, todayIn } from '@satupintu/domain';
import { generateFamilies } from '@satupintu/synthetic';
import { authFetch, createPrincipal, eventually, openBrowserPage, submit, TestStack, type BrowserPage } from '@satupintu/testing';
import type { Page } from 'playwright-core';


interface IndicatorRow { id: string; unit: string; numerator: number | null; denominator: number | null; value: number | null; suppressed?: true }
interface RegionIndicators { region: { code: string; name: string }; indicators: IndicatorRow[]; children: Array<{ code: string; indicators: IndicatorRow[] }> }

/** Villages of two districts of Jakarta Pusat and one of Jakarta Utara, from the official list. */
function demoVillages(): string[] {
  const c = officialRegions();
  return ['31.71.01', '31.71.02', '31.72.01'].flatMap((d) => c.childrenOf(d).slice(0, 3));
}

/** The page's document in functions run by the browser (the tests compile without DOM types; functions are sent as text, so each casts on its own). */
interface PageDocument {
  getElementById(id: string): { textContent: string | null } | null;
  body: { dataset: Record<string, string | undefined> };
  documentElement: { lang: string };
  location: { hash: string };
}
type InPage = { document: PageDocument };

const fmt = (lang: 'id' | 'en', n: number | null, unit?: string) => {
  if (n === null) return '–';
  const s = new Intl.NumberFormat(lang === 'id' ? 'id-ID' : 'en-GB', { maximumFractionDigits: 2 }).format(n);
  return unit === 'percent' ? `${s}%` : s;
};

/**
 * The indicator and campaign API and the dashboard page on the real stack with demo data: the page
 * loads in headless Chromium, drills down from the country to a village, shows the API's numbers,
 * switches to English, shows campaign progress, and leaves screenshots in artifacts/test/.
 */
describe('dashboard and indicator API', () => {
  const stack = new TestStack('dashboard');
  let gateway: string;
  let b: BrowserPage;
  let page: Page;
  const villages = demoVillages();
  const records = generateFamilies({ count: 120, villages, seed: 5150, keyPrefix: 'dash' }).records;
  const get = async <T>(path: string): Promise<T> => {
    const res = await authFetch(`${gateway}${path}`);
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  };
  const value = (r: { indicators: IndicatorRow[] }, id: string) => r.indicators.find((i) => i.id === id)!;

  beforeAll(async () => {
    await stack.setUp();
    const [g] = await Promise.all([stack.start('gateway'), stack.start('validation'), stack.start('dedup'), stack.start('aggregation')]);
    gateway = g.url;
    const today = todayIn('Asia/Jakarta');
    // The campaign began three days ago; each family was recorded on one of those four days (the
    // app sends collectedOn), so the daily series has a point per day.
    const dayBefore = (n: number) => new Date(Date.parse(today) - n * 86_400_000).toISOString().slice(0, 10);
    records.forEach((r, i) => ((r as { collectedOn?: string }).collectedOn = dayBefore(i % 4)));
    const put = (path: string, body: unknown) => authFetch(`${gateway}${path}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await put('/v1/campaigns/pendataan-2026', { name: 'Pendataan Keluarga 2026', startsOn: dayBefore(3), endsOn: '2099-12-31' })).status).toBe(200);
    expect((await put('/v1/campaigns/pendataan-2026/targets', { targets: villages.map((v, i) => ({ regionCode: v, families: 10 + i * 3 })) })).status).toBe(200);
    for (let i = 0; i < records.length; i += 40) expect((await submit(gateway, records.slice(i, i + 40))).status).toBe(202);
    const kks = new Set(records.map((r) => (r.family as FamilyRecord).kk));
    await eventually(async () => (await get<RegionIndicators>('/v1/regions/ID/indicators?theme=population').then((r) => value(r, 'population.families').value)) === kks.size, 120_000, 500);
    b = await openBrowserPage({ height: 1000 });
    page = b.page;
  }, 240_000);

  afterAll(async () => {
    await b?.close();
    await stack.tearDown();
  });

  it('answers indicators of every theme for a region and its children, equal to the registry', async () => {
    const r = await get<RegionIndicators & { theme: string | null }>('/v1/regions/31.71/indicators');
    const themes = new Set(r.indicators.map((i) => (i as unknown as { theme: string }).theme));
    expect(themes.size).toBe(13);
    const [{ persons }] = (await stack.db.query(`select count(*)::int as persons from registry.memberships m join registry.families f on f.id = m.family_id where m.valid_to is null and f.regency_code = '31.71'`)).rows;
    expect(value(r, 'population.persons').value).toBe(persons);
    expect(r.children.map((c) => c.code).sort()).toEqual(['31.71.01', '31.71.02']);
    expect(value(r, 'stunting.stunting').denominator).toBeGreaterThan(0);
    const sum = r.children.reduce((s, c) => s + (value(c, 'population.persons').numerator ?? 0), 0);
    expect(sum).toBe(persons);
  });

  it('answers a time point, a CSV export, and refuses bad queries with structured errors', async () => {
    const now = await get<RegionIndicators>('/v1/regions/ID/indicators?theme=population');
    const today = await get<RegionIndicators>(`/v1/regions/ID/indicators?theme=population&at=${todayIn('Asia/Jakarta')}`);
    expect(value(today, 'population.families').value).toBe(value(now, 'population.families').value);
    const before = await get<RegionIndicators>('/v1/regions/ID/indicators?theme=population&at=2020-01-01');
    expect(value(before, 'population.families').value).toBe(0);
    const csv = await authFetch(`${gateway}/v1/regions/31.71/indicators?theme=stunting&format=csv`);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await csv.text()).trim().split('\n');
    expect(lines[0]).toBe('region_code,region_name,level,theme,indicator,label_id,label_en,unit,numerator,denominator,value');
    expect(lines.length).toBe(1 + 3 * 7);
    for (const [path, status, code] of [
      ['/v1/regions/31.71/indicators?theme=weather', 400, 'INVALID_QUERY'],
      ['/v1/regions/31.71/indicators?at=2026-02-30', 400, 'INVALID_QUERY'],
      ['/v1/regions/99.99/indicators', 404, 'REGION_NOT_FOUND'],
      ['/v1/campaigns/nope/progress', 404, 'CAMPAIGN_NOT_FOUND'],
      ['/v1/campaigns/NOT%20AN%20ID/progress', 404, 'CAMPAIGN_NOT_FOUND'],
    ] as const) {
      const res = await authFetch(`${gateway}${path}`);
      expect([path, res.status, ((await res.json()) as { error: { code: string } }).error.code]).toEqual([path, status, code]);
    }
    const bad = await authFetch(`${gateway}/v1/campaigns/pendataan-2026/targets`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ targets: [{ regionCode: '99.99.99.9999', families: 3 }] }) });
    expect(bad.status).toBe(400);
  });

  it('refuses a collection day in the future or over a year ago, record by record', async () => {
    const [one, two] = generateFamilies({ count: 2, villages: ['31.72.01.1001'], seed: 77, keyPrefix: 'collected' }).records;
    const res = await submit(gateway, [{ ...one, collectedOn: '2099-01-01' }, { ...two, collectedOn: '2001-01-01' }]);
    expect(res.status).toBe(202);
    expect(res.body.records.map((r) => [r.status, r.errors?.[0]?.code])).toEqual([['invalid', 'INVALID_COLLECTED_ON'], ['invalid', 'INVALID_COLLECTED_ON']]);
  });

  it('drops a cached answer when the region changes', async () => {
    const first = value(await get<RegionIndicators>('/v1/regions/31.72/indicators?theme=population'), 'population.families').value!;
    const more = generateFamilies({ count: 1, villages: ['31.72.01.1001'], seed: 99, keyPrefix: 'late' }).records;
    expect((await submit(gateway, more)).status).toBe(202);
    await eventually(async () => value(await get<RegionIndicators>('/v1/regions/31.72/indicators?theme=population'), 'population.families').value === first + 1, 60_000, 300);
  });

  it('shows campaign progress: target, families registered in the window, daily series, ranking and villages behind', async () => {
    const p = await eventually(async () => {
      const r = await get<{ target: number; registered: number; coverage: number; daily: Array<{ cumulative: number }>; children: Array<{ rank: number; code: string; coverage: number }>; behind: Array<{ coverage: number }> }>('/v1/campaigns/pendataan-2026/progress?region=31');
      const [{ n }] = (await stack.db.query(`select count(*)::int as n from registry.families where province_code = '31'`)).rows;
      return r.registered === n ? r : undefined;
    }, 60_000, 500);
    expect(p.target).toBe(villages.reduce((s, _, i) => s + 10 + i * 3, 0));
    expect(p.coverage).toBeCloseTo((100 * p.registered) / p.target, 2);
    expect(p.daily[p.daily.length - 1].cumulative).toBe(p.registered);
    // A point for each day the families were recorded on, growing.
    expect(p.daily.map((d) => (d as unknown as { day: string }).day)).toEqual([3, 2, 1, 0].map((n) => new Date(Date.parse(todayIn('Asia/Jakarta')) - n * 86_400_000).toISOString().slice(0, 10)));
    for (let i = 1; i < p.daily.length; i++) expect(p.daily[i].cumulative).toBeGreaterThan(p.daily[i - 1].cumulative);
    expect(p.children.map((c) => c.code).sort()).toEqual(['31.71', '31.72']);
    expect(p.children[0].coverage).toBeGreaterThanOrEqual(p.children[1].coverage);
    expect(p.behind.length).toBe(villages.length);
    expect(p.behind[0].coverage).toBeLessThanOrEqual(p.behind[p.behind.length - 1].coverage);
    const csv = await (await authFetch(`${gateway}/v1/campaigns/pendataan-2026/progress?region=31&format=csv`)).text();
    expect(csv.split('\n')[0]).toBe('campaign,rank,region_code,region_name,target,registered,coverage_percent');
  });

  const ready = async () => page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
  const shown = async (testId: string) => (await page.getByTestId(testId).textContent())?.trim();

  it('loads the page in Chromium, drills down from the country to a village, and shows the API\'s numbers', async () => {
    await page.goto(`${gateway}/dashboard#region=ID&theme=population`);
    await ready();
    // Signed out, the page asks for a key and shows no data; an analyst's key opens it.
    expect(await page.getByTestId('signin').isVisible()).toBe(true);
    expect(await page.getByTestId('region-name').isVisible()).toBe(false);
    const analyst = await createPrincipal(gateway, { role: 'analyst', regions: ['ID'] });
    await page.getByTestId('credential').fill(analyst.key);
    await page.getByTestId('signin-submit').click();
    await page.waitForFunction(() => (globalThis as unknown as InPage).document.getElementById('region-name')?.textContent === 'Indonesia (ID)');
    await ready();
    expect(await shown('region-name')).toBe('Indonesia (ID)');
    // Signed in: the form is gone and sign-out is offered.
    expect(await page.getByTestId('signin').isVisible()).toBe(false);
    expect(await page.getByTestId('signout').isVisible()).toBe(true);
    const village = villages[0];
    const path = ['31', '31.71', village.slice(0, 8), village];
    for (const code of path) {
      await page.getByTestId(`child-${code}`).click();
      await page.waitForFunction((c) => {
          const d = (globalThis as unknown as InPage).document;
          return d.getElementById('region-name')?.textContent?.includes(`(${c})`) && d.body.dataset.ready === 'true';
        },
        code,
      );
      const api = await get<RegionIndicators>(`/v1/regions/${code}/indicators?theme=population`);
      for (const id of ['population.families', 'population.persons', 'population.family-size']) {
        const v = value(api, id);
        expect([code, id, await shown(`value-${id}`)]).toEqual([code, id, fmt('id', v.value, v.unit)]);
      }
    }
    await b.screenshot('dashboard-village.png');
    // The breadcrumb names every region above, as the API names them (not their codes).
    const here = await get<RegionIndicators & { region: { ancestors: Array<{ code: string; name: string }> } }>(`/v1/regions/${village}/indicators?theme=population`);
    expect(here.region.ancestors.map((a) => a.code)).toEqual(['ID', ...path.slice(0, -1)]);
    for (const a of here.region.ancestors) {
      expect(a.name).toBeTruthy();
      expect(await shown(`crumb-${a.code}`)).toBe(a.name);
    }

    // Up again with the breadcrumb, another theme, and English.
    await page.getByTestId('crumb-31.71').click();
    await page.getByTestId('theme-stunting').click();
    await page.waitForFunction(() => {
      const d = (globalThis as unknown as InPage).document;
      return d.location.hash.includes('theme=stunting') && d.body.dataset.ready === 'true';
    });
    const stunting = await get<RegionIndicators>('/v1/regions/31.71/indicators?theme=stunting');
    const s = value(stunting, 'stunting.stunting');
    expect(await shown('value-stunting.stunting')).toBe(fmt('id', s.value, s.unit));
    for (const child of stunting.children) {
      const c = value(child, 'stunting.under-five');
      expect(await shown(`child-value-${child.code}-stunting.under-five`)).toBe(fmt('id', c.value, c.unit));
    }
    await page.getByTestId('lang-switch').click();
    await page.waitForFunction(() => {
      const d = (globalThis as unknown as InPage).document;
      return d.documentElement.lang === 'en' && d.body.dataset.ready === 'true';
    });
    expect(await page.locator('h1').textContent()).toBe('Family Dashboard');
    expect(await shown('value-stunting.stunting')).toBe(fmt('en', s.value, s.unit));
    // Small counts of children's measurements are suppressed: a dash, with the reason on hover.
    const suppressed = stunting.children.flatMap((ch) => ch.indicators.filter((i) => i.suppressed && i.id === 'stunting.measured').map(() => ch.code));
    expect(suppressed.length).toBeGreaterThan(0);
    const cell = page.getByTestId(`child-value-${suppressed[0]}-stunting.measured`);
    expect(await cell.textContent()).toBe('–');
    expect(await cell.getAttribute('title')).toBe('Hidden: a small count (personal data protection)');
    await b.screenshot('dashboard-stunting-en.png');
  });

  it('shows the progress view with the API\'s target, registered families and coverage', async () => {
    await page.goto(`${gateway}/dashboard#region=31&view=progress&lang=id`);
    await ready();
    const p = await get<{ target: number; registered: number; coverage: number; children: Array<{ code: string; coverage: number }> }>('/v1/campaigns/pendataan-2026/progress?region=31');
    expect(await shown('kpi-target')).toBe(fmt('id', p.target));
    expect(await shown('kpi-registered')).toBe(fmt('id', p.registered));
    expect(await shown('kpi-coverage')).toBe(fmt('id', p.coverage, 'percent'));
    for (const c of p.children) expect(await shown(`coverage-${c.code}`)).toBe(fmt('id', c.coverage, 'percent'));
    await b.screenshot('dashboard-progress.png');
  });

  it('fits a 360 px phone, and met no console error, page error or failed request on the way', async () => {
    await page.setViewportSize({ width: 360, height: 780 });
    for (const [hash, file] of [['region=31.71&theme=population&view=indicators&lang=id', 'dashboard-indicators-360.png'], ['region=31&view=progress&lang=id', 'dashboard-progress-360.png']] as const) {
      await page.goto(`${gateway}/dashboard#${hash}`);
      await ready();
      expect(await page.getByTestId('signin').isVisible()).toBe(false);
      expect(await b.width()).toBeLessThanOrEqual(360);
      await b.screenshot(file);
    }
    expect(b.problems).toEqual([]);
  });
});
