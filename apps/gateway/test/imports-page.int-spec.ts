import { authFetch, createPrincipal, family, openBrowserPage, TestStack, type BrowserPage, type TestPrincipal } from '@satupintu/testing';
import { parse } from 'csv-parse/sync';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Job { id: string; state: string; complete: boolean; progress: { rowsTotal: number; rowsDone: number }; rows: Record<string, number>; findings: Record<string, number> }

/**
 * The list import page in headless Chromium on the real stack (gateway, validation, dedup), as an
 * agency's data officer uses it: uploads a CSV list, follows the job until every record has its
 * outcome, and reads the rows by outcome, the findings, what became of the list per regency/city
 * (all equal to the API) and the row report. No console errors; screenshots at 1280 and 360 px.
 */
describe('imports page (browser)', () => {
  const stack = new TestStack('imports-page');
  let url: string;
  let agency: TestPrincipal;
  let b: BrowserPage;
  const dir = mkdtempSync(join(tmpdir(), 'sp-import-page-'));
  const file = join(dir, 'daftar-dinsos.csv');
  const d = (iso: string) => iso.split('-').reverse().join('/');

  const api = async <T>(path: string): Promise<T> => {
    const res = await authFetch(`${url}${path}`, { headers: { authorization: `Bearer ${agency.key}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  };

  beforeAll(async () => {
    await stack.setUp();
    url = (await stack.start('gateway')).url;
    await Promise.all([stack.start('validation'), stack.start('dedup')]);
    agency = await createPrincipal(url, { role: 'agency', kind: 'system', regions: ['31.71'], agency: 'dinsos-dki', purposes: ['social-protection'] });
    // Two families of a Jakarta village, one row whose birth date cannot be read.
    const families = [family({ village: '31.71.01.1001' }), family({ village: '31.71.01.1002' })];
    const lines = ['NIK,NAMA,JK,TGL_LAHIR,HUB_KEL,RT,RW,KODE_DESA,NO_KK'];
    for (const f of families) for (const m of f.members) lines.push([m.nik, m.name, m.sex === 'M' ? 'L' : 'P', d(m.birthDate!), m.relationship, '1', '1', f.address.villageCode, f.kk].join(','));
    lines.push(['', 'Tanpa Tanggal', 'P', '31/02/1990', '1', '1', '1', '31.71.01.1003', '3171010101209999'].join(','));
    writeFileSync(file, `${lines.join('\n')}\n`);
    b = await openBrowserPage({ acceptDownloads: true });
  }, 240_000);

  afterAll(async () => {
    await b?.close();
    await stack.tearDown();
  });

  it('uploads a list, follows its job to the end and shows its outcome as the API reports it', async () => {
    const { page, ready } = b;
    await page.goto(`${url}/dashboard#view=imports`);
    await ready();
    await b.signIn(agency.key);
    await page.getByTestId('import-form').waitFor();
    await ready();
    expect(await page.getByTestId('nav-imports').isVisible()).toBe(true);
    expect(await page.getByTestId('nav-review').isVisible()).toBe(false);
    await page.getByTestId('import-file').setInputFiles(file);
    await page.getByTestId('import-source').fill('daftar-dinsos-2026');
    await page.getByTestId('import-submit').click();
    await page.getByTestId('import-job').waitFor();
    await page.getByTestId('import-progress-text').filter({ hasText: 'selesai' }).waitFor({ timeout: 120_000 });
    await ready();
    const { jobs } = await api<{ jobs: Array<{ id: string; source: string }> }>('/v1/imports');
    expect(jobs.map((j) => j.source)).toEqual(['daftar-dinsos-2026']);
    const job = await api<Job>(`/v1/imports/${jobs[0].id}`);
    expect(job.complete).toBe(true);
    expect(await page.getByTestId('import-progress-text').textContent()).toContain(`${job.progress.rowsDone} baris dari ${job.progress.rowsTotal}`);
    for (const [k, n] of Object.entries(job.rows)) expect(await page.getByTestId(`import-outcome-${k}`).textContent()).toBe(String(n));
    for (const [code, n] of Object.entries(job.findings)) expect(await page.getByTestId(`import-finding-${code}`).textContent()).toBe(String(n));
    expect(Object.keys(job.findings).length).toBeGreaterThan(0);
    const summary = await api<{ regions: Array<{ code: string; rows: number }> }>(`/v1/imports/${job.id}/summary`);
    for (const r of summary.regions) expect((await page.getByTestId(`import-region-${r.code}`).locator('td').allTextContents())[1]).toBe(String(r.rows));
    await b.screenshot('imports-job-1280.png');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('import-report-csv').click()]);
    const rows: Array<Record<string, string>> = parse(readFileSync(await download.path()), { columns: true });
    expect(rows).toHaveLength(job.progress.rowsTotal);
  });

  it('lists the jobs and fits a 360 px phone', async () => {
    const { page, ready } = b;
    await page.getByTestId('import-back').click();
    await page.getByTestId('import-jobs').locator('tr[data-testid^="job-"]').first().waitFor();
    await ready();
    await b.screenshot('imports-list-1280.png');
    await page.setViewportSize({ width: 360, height: 780 });
    await ready();
    expect(await b.width()).toBeLessThanOrEqual(360);
    await b.screenshot('imports-list-360.png');
    await page.getByTestId('import-jobs').locator('tr[data-testid^="job-"] a').first().click();
    await page.getByTestId('import-progress-text').filter({ hasText: 'selesai' }).waitFor();
    await ready();
    expect(await b.width()).toBeLessThanOrEqual(360);
    await b.screenshot('imports-job-360.png');
    expect(b.problems).toEqual([]);
  });
});
