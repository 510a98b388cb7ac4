import { TOPICS, type FamilyState } from '@satupintu/contracts';
import { encodeEvent } from '@satupintu/kafka';
import { authFetch, createPrincipal, eventually, familyChanged, familyState, openBrowserPage, produce, TestStack, yearsAgo, type BrowserPage, type TestPrincipal } from '@satupintu/testing';
interface Counts { programmes: Array<{ programmeId: string; eligible: number | null; notEligible: number | null; suppressed?: true }>; children: Array<{ code: string }> }
/** As the page shows a count: a dash when it is suppressed (a small count). */
const shown = (n: number | null) => (n === null ? '–' : String(n));
interface Explained { decisions: Array<{ programmeId: string; personId: string | null; eligible: boolean; criteria: Array<{ criterion: string; value: unknown; passed: boolean; description: string | null }> }> }

/**
 * The eligibility view in headless Chromium on the real stack (eligibility, gateway; registry
 * events produced to Kafka): a supervisor sees eligible and not eligible per programme for a
 * district and drills down to a village, then looks a family up by its KK to answer "why was my
 * family excluded?": every decision with every criterion, the value recorded and whether it met the
 * rule, as the API explains it. No console errors; screenshots at 1280 and 360 px.
 */
describe('eligibility view (browser)', () => {
  const stack = new TestStack('eligibility-view');
  let url: string;
  let supervisor: TestPrincipal;
  let b: BrowserPage;
  // A poor family with a head of 65 (eligible for the elderly programme) and a family in the 8th decile.
  const poor: FamilyState = { ...familyState('31.71.01.1001', [yearsAgo(65), yearsAgo(40)]), kk: '3171010101200011', attributes: { welfareDecile: 2 } };
  const better: FamilyState = { ...familyState('31.71.01.1002', [yearsAgo(67), yearsAgo(66)]), kk: '3171010101200012', attributes: { welfareDecile: 8 } };

  const api = async <T>(path: string): Promise<T> => {
    const res = await authFetch(`${url}${path}`, { headers: { authorization: `Bearer ${supervisor.key}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  };

  beforeAll(async () => {
    await stack.setUp();
    await stack.start('eligibility');
    url = (await stack.start('gateway')).url;
    supervisor = await createPrincipal(url, { role: 'supervisor', regions: ['31.71'] });
    await produce(stack, TOPICS.familyChanged, [poor, better].map((f) => ({ key: f.familyId, value: encodeEvent(TOPICS.familyChanged, familyChanged(null, f)) })));
    await eventually(async () => {
      const decided = await Promise.all([poor, better].map((f) => authFetch(`${url}/v1/families/${f.familyId}/eligibility`).then(async (r) => (r.status === 200 ? ((await r.json()) as Explained).decisions.length > 0 : false))));
      const kks = await Promise.all([poor, better].map((f) => authFetch(`${url}/v1/families?kk=${f.kk}`).then(async (r) => ((await r.json()) as { families: unknown[] }).families.length === 1)));
      return [...decided, ...kks].every(Boolean) ? true : undefined;
    }, 120_000, 500);
    b = await openBrowserPage();
  }, 240_000);

  afterAll(async () => {
    await b?.close();
    await stack.tearDown();
  });

  it('shows eligible and not eligible per programme for a district, as the API counts them, and drills down', async () => {
    const { page, ready } = b;
    await page.goto(`${url}/dashboard#view=eligibility&region=31.71.01`);
    await ready();
    await b.signIn(supervisor.key);
    await page.getByTestId('eligibility-table').locator('tr').nth(1).waitFor();
    await ready();
    expect(await page.getByTestId('nav-eligibility').isVisible()).toBe(true);
    const counts = await api<Counts>('/v1/regions/31.71.01/eligibility');
    for (const p of counts.programmes) {
      expect(await page.getByTestId(`eligible-${p.programmeId}`).textContent()).toBe(shown(p.eligible));
      expect(await page.getByTestId(`not-eligible-${p.programmeId}`).textContent()).toBe(shown(p.notEligible));
      // A hidden count says why on hover.
      expect(await page.getByTestId(`eligible-${p.programmeId}`).getAttribute('title')).toBe(p.suppressed ? 'Disembunyikan: jumlah kecil (perlindungan data pribadi)' : null);
    }
    // Two families in the district: every programme's count is small, so none is shown.
    expect(counts.programmes.filter((p) => p.eligible !== 0 && !p.suppressed)).toEqual([]);
    expect(counts.children.map((c) => c.code).sort()).toEqual(['31.71.01.1001', '31.71.01.1002']);
    await b.screenshot('eligibility-district-1280.png');
    await page.getByTestId('eligibility-child-31.71.01.1002').click();
    await page.waitForFunction(() => (globalThis as unknown as { document: { location: { hash: string } } }).document.location.hash.includes('region=31.71.01.1002'));
    await ready();
    const village = await api<Counts>('/v1/regions/31.71.01.1002/eligibility');
    for (const p of village.programmes) expect(await page.getByTestId(`eligible-${p.programmeId}`).textContent()).toBe(shown(p.eligible));
  });

  it("explains a family's decisions criterion by criterion, as the API does", async () => {
    const { page, ready } = b;
    await page.getByTestId('lookup-kk').fill(better.kk);
    await page.getByTestId('lookup-submit').click();
    await page.getByTestId('family-decisions').locator('.decision').first().waitFor();
    await ready();
    const { decisions } = await api<Explained>(`/v1/families/${better.familyId}/eligibility`);
    expect(await page.getByTestId('family-decisions').locator('.decision').count()).toBe(decisions.length);
    const excluded = decisions.find((d) => !d.eligible)!;
    expect(excluded).toBeDefined();
    const card = page.getByTestId(`decision-${excluded.programmeId}-${excluded.personId ?? 'family'}`);
    expect(await card.textContent()).toContain('Tidak layak');
    for (const c of excluded.criteria) {
      const cells = await page.getByTestId(`decision-${excluded.programmeId}-${excluded.personId ?? 'family'}`).getByTestId(`criterion-${excluded.programmeId}-${c.criterion}`).locator('td').allTextContents();
      expect(cells[0]).toBe(c.description ?? c.criterion);
      expect(cells[2]).toBe(c.passed ? 'ya' : 'tidak');
    }
    // The reason it was excluded is there: a criterion not met, with the value recorded.
    expect(excluded.criteria.some((c) => !c.passed)).toBe(true);
    await b.screenshot('eligibility-family-1280.png');
    await page.setViewportSize({ width: 360, height: 780 });
    await ready();
    expect(await b.width()).toBeLessThanOrEqual(360);
    await b.screenshot('eligibility-family-360.png');
    expect(b.problems).toEqual([]);
  });
});
