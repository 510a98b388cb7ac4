import type { FamilyRecord } from '@satupintu/contracts';
import { formatNik } from '@satupintu/domain';
import { authFetch, createPrincipal, eventually, openBrowserPage, submit, TestStack, type BrowserPage, type TestPrincipal } from '@satupintu/testing';
import type { Page } from 'playwright-core';

interface TaskSummary { taskId: string; villageCode: string; reason: string; score: number; openedAt: string }
interface Task extends TaskSummary {
  status: string;
  a: { name: string; nik: string | null };
  b: { name: string; nik: string | null };
  match: { parts: Array<{ comparison: string; weight: number }> };
  decision: { reviewer: string; mergeId: string | null } | null;
}
/** The page's document in functions run by the browser (sent as text). */
type InPage = { document: { activeElement: { tagName: string } | null } };

let serial = 900;
function household(village: string, head: string, wife: string, child: { nik?: string; name: string; birthDate: string; sex: 'M' | 'F' }): FamilyRecord {
  const district = village.slice(0, 8);
  const s = serial++;
  return {
    kk: `${district.replace(/\./g, '')}0404${String(s).padStart(6, '0')}`,
    address: { villageCode: village, rt: '002', rw: '003' },
    members: [
      { nik: formatNik(district, '1978-04-04', 'M', s * 3 + 1), name: head, sex: 'M', birthDate: '1978-04-04', relationship: 1 },
      { nik: formatNik(district, '1982-08-08', 'F', s * 3 + 2), name: wife, sex: 'F', birthDate: '1982-08-08', relationship: 3 },
      { ...child, relationship: 4 },
    ],
  };
}

/**
 * The review desk in headless Chromium on the real stack, as a supervisor uses it: signs in, sees
 * the open tasks of their regions oldest first (the API's list), filters them, opens one with the
 * keyboard, sees both records side by side with each comparison's weight and what the NIK says,
 * merges with a note, undoes the merge with a reason, decides another task "different" with the
 * mouse; the counts follow. No console errors; the sign-in card is not visible once signed in;
 * screenshots at 1280 and 360 px in artifacts/test/.
 */
describe('review desk (browser)', () => {
  const stack = new TestStack('review-desk');
  let url: string;
  let supervisor: TestPrincipal;
  let analyst: TestPrincipal;
  let b: BrowserPage;
  let page: Page;

  const api = async <T>(path: string, key = supervisor.key): Promise<T> => {
    const res = await authFetch(`${url}${path}`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  };
  const ready = () => b.ready();
  const text = async (testId: string) => (await page.getByTestId(testId).textContent())?.trim();

  beforeAll(async () => {
    await stack.setUp();
    url = (await stack.start('gateway')).url;
    await Promise.all([stack.start('validation'), stack.start('dedup')]);
    supervisor = await createPrincipal(url, { role: 'supervisor', regions: ['31.01'], label: 'pengawas-31.01' });
    analyst = await createPrincipal(url, { role: 'analyst', regions: ['31.01'] });
    // Two children recorded twice, the second time without a NIK in another family (another mother): two probable matches.
    const rina = { nik: formatNik('31.01.02', '2011-06-21', 'F', 7101), name: 'Rina Kartika', birthDate: '2011-06-21', sex: 'F' as const };
    const dimas = { nik: formatNik('31.01.01', '2014-02-11', 'M', 7102), name: 'Dimas Prasetyo', birthDate: '2014-02-11', sex: 'M' as const };
    expect((await submit(url, [{ idempotencyKey: 'desk-1', family: household('31.01.02.1001', 'Ahmad Fauzi', 'Nurhayati', rina) }, { idempotencyKey: 'desk-2', family: household('31.01.01.1001', 'Budi Santoso', 'Sri Wahyuni', dimas) }])).status).toBe(202);
    await eventually(async () => (await stack.db.query('select 1 from registry.persons where nik_index = any($1)', [[rina.nik!, dimas.nik!].map((n) => stack.index('nik', n))])).rowCount === 2, 90_000);
    expect((await submit(url, [{ idempotencyKey: 'desk-3', family: household('31.01.01.1002', 'Eko Saputra', 'Fitri Handayani', { name: 'Rina Kartika', birthDate: '2011-06-21', sex: 'F' }) }])).status).toBe(202);
    await eventually(async () => ((await api<{ tasks: TaskSummary[] }>('/v1/review-tasks?region=31.01')).tasks.length === 1 ? true : undefined), 90_000, 300);
    expect((await submit(url, [{ idempotencyKey: 'desk-4', family: household('31.01.02.1002', 'Joko Widodo', 'Ani Lestari', { name: 'Dimas Prasetyo', birthDate: '2014-02-11', sex: 'M' }) }])).status).toBe(202);
    await eventually(async () => ((await api<{ tasks: TaskSummary[] }>('/v1/review-tasks?region=31.01')).tasks.length === 2 ? true : undefined), 90_000, 300);

    b = await openBrowserPage();
    page = b.page;
  }, 300_000);

  afterAll(async () => {
    await b?.close();
    await stack.tearDown();
  });

  it('signs a supervisor in and shows the queue of their regions, oldest first, as the API lists it', async () => {
    await page.goto(`${url}/dashboard#view=review`);
    await ready();
    await b.signIn(supervisor.key);
    await page.getByTestId('review-table').locator('tr[data-task]').first().waitFor();
    await ready();
    expect(await page.getByTestId('signin').isVisible()).toBe(false);
    expect(await page.getByTestId('credential').isVisible()).toBe(false);
    expect(await page.getByTestId('signout').isVisible()).toBe(true);
    expect(await page.getByTestId('nav-review').isVisible()).toBe(true);
    const { tasks } = await api<{ tasks: TaskSummary[] }>('/v1/review-tasks?region=31.01');
    const rows = await page.getByTestId('review-table').locator('tr[data-task]').evaluateAll((trs) => trs.map((tr) => (tr as unknown as { dataset: { task: string } }).dataset.task));
    expect(rows).toEqual(tasks.map((t) => t.taskId));
    expect(tasks[0].openedAt <= tasks[1].openedAt).toBe(true);
    const summary = await api<{ open: number; decidedToday: number }>('/v1/review-tasks/summary?region=31.01');
    expect(summary).toMatchObject({ open: 2, decidedToday: 0 });
    expect(await text('review-open')).toBe('2');
    expect(await text('review-today')).toBe('0');
    await b.screenshot('review-queue-1280.png');

    // A filter the API answers with nothing: the queue says so.
    await page.getByTestId('review-reason').selectOption('nik-conflict');
    await page.getByTestId('review-empty').waitFor();
    await page.getByTestId('review-reason').selectOption('');
    await page.getByTestId('review-table').locator('tr[data-task]').nth(1).waitFor();
  });

  it('opens a task with the keyboard, side by side with the weights and what the NIK says, merges it with a note and undoes the merge', async () => {
    const { tasks } = await api<{ tasks: TaskSummary[] }>('/v1/review-tasks?region=31.01');
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    await page.keyboard.press('Enter');
    await page.getByTestId('task-fields').waitFor();
    await ready();
    const task = await api<Task>(`/v1/review-tasks/${tasks[0].taskId}`);
    const names = await page.getByTestId('field-name').locator('td').allTextContents();
    expect(names).toEqual([task.a.name, task.b.name]);
    expect(await page.getByTestId('task-weights').locator('tr').count()).toBe(task.match.parts.length + 1);
    const nikSays = await page.getByTestId('field-nik-says').locator('td').allTextContents();
    expect(nikSays[0]).toMatch(/^21-06-11 Perempuan \(sesuai\)$/);
    expect(nikSays[1]).toBe('tidak ada');
    await b.screenshot('review-task-1280.png');

    // N to the note, Escape out of it, S to decide "same".
    await page.keyboard.press('n');
    await page.keyboard.type('Anak yang sama, pindah KK');
    await page.keyboard.press('Escape');
    await page.keyboard.press('s');
    await page.getByTestId('task-outcome').filter({ hasText: 'Digabung oleh pengawas-31.01' }).waitFor({ timeout: 60_000 });
    const merged = await api<Task>(`/v1/review-tasks/${tasks[0].taskId}`);
    expect(merged.status).toBe('same');
    expect(merged.decision).toMatchObject({ reviewer: 'pengawas-31.01', note: 'Anak yang sama, pindah KK' });
    expect(await text('review-today')).toBe('1');

    // Undo: U without a reason asks for one; with it, the merge is undone.
    await page.keyboard.press('u');
    expect(await page.evaluate(() => (globalThis as unknown as InPage).document.activeElement?.tagName)).toBe('TEXTAREA');
    await page.keyboard.type('Ternyata dua anak berbeda');
    await page.keyboard.press('Escape');
    await page.keyboard.press('u');
    await page.getByTestId('task-outcome').filter({ hasText: 'Penggabungan dibatalkan' }).waitFor({ timeout: 60_000 });
    const merge = await api<{ unmergedAt: string | null }>(`/v1/merges/${merged.decision!.mergeId}`);
    expect(merge.unmergedAt).not.toBeNull();
  });

  it('decides the other task "different" with the mouse, and the counts follow', async () => {
    await page.getByTestId('review-back').click();
    await page.getByTestId('review-table').locator('tr[data-task]').first().waitFor();
    await ready();
    const { tasks } = await api<{ tasks: TaskSummary[] }>('/v1/review-tasks?region=31.01');
    expect(tasks).toHaveLength(1);
    await page.getByTestId(`task-row-${tasks[0].taskId}`).click();
    await page.getByTestId('task-different').waitFor();
    await page.getByTestId('task-different').click();
    await page.getByTestId('task-outcome').filter({ hasText: 'Diputus berbeda oleh pengawas-31.01' }).waitFor({ timeout: 60_000 });
    expect((await api<Task>(`/v1/review-tasks/${tasks[0].taskId}`)).status).toBe('different');
    expect(await api('/v1/review-tasks/summary?region=31.01')).toMatchObject({ open: 0, decidedToday: 2, byReviewer: [{ reviewer: 'pengawas-31.01', same: 1, different: 1 }] });
    await page.getByTestId('review-back').click();
    await page.getByTestId('review-empty').waitFor();
    expect(await text('review-open')).toBe('0');
    expect(await text('review-today')).toBe('2');
  });

  it('fits a 360 px phone, in English too, and hides the desk from roles that may not review', async () => {
    await page.setViewportSize({ width: 360, height: 780 });
    await page.goto(`${url}/dashboard#view=review&status=same&lang=en&region=31.01`);
    await page.getByTestId('review-table').locator('tr[data-task]').first().waitFor();
    await ready();
    expect(await page.locator('h1').textContent()).toBe('Family Dashboard');
    expect(await b.width()).toBeLessThanOrEqual(360);
    await b.screenshot('review-queue-360.png');
    await page.getByTestId('review-table').locator('tr[data-task]').first().click();
    await page.getByTestId('task-fields').waitFor();
    await ready();
    await b.screenshot('review-task-360.png');

    await page.getByTestId('signout').click();
    await b.signIn(analyst.key);
    await ready();
    expect(await page.getByTestId('nav-review').isVisible()).toBe(false);
    expect(b.problems).toEqual([]);
  });
});
