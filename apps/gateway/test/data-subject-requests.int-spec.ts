import { authFetch, createPrincipal, eventually, family, openBrowserPage, submit, TestStack, type TestPrincipal } from '@satupintu/testing';

/**
 * Data-subject requests on the real stack (gateway, validation, dedup): a family goes through the
 * pipeline, an admin looks a member up, and a designated officer (a supervisor granted the purpose
 * data-subject-request) exports everything held on that member. Who may not ask, the export's
 * content, and the audit entries it leaves.
 */
describe('data-subject requests', () => {
  const stack = new TestStack('subject');
  let url: string;
  let officer: TestPrincipal;
  let supervisor: TestPrincipal;
  let outsider: TestPrincipal;
  let cadre: TestPrincipal;
  const f = family({ village: '31.01.01.1001', members: 3 });
  const nik = f.members[1].nik!;

  const exportAs = (p: TestPrincipal, body: unknown, purpose: string | null = 'data-subject-request') =>
    fetch(`${url}/v1/data-subject-requests/export`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${p.key}`, ...(purpose ? { 'x-purpose': purpose } : {}) },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    await stack.setUp();
    url = (await stack.start('gateway')).url;
    await stack.start('validation');
    await stack.start('dedup');
    officer = await createPrincipal(url, { role: 'supervisor', regions: ['31.01'], purposes: ['verification', 'data-subject-request'] });
    supervisor = await createPrincipal(url, { role: 'supervisor', regions: ['31.01'] });
    outsider = await createPrincipal(url, { role: 'supervisor', regions: ['31.72'], purposes: ['data-subject-request'] });
    cadre = await createPrincipal(url, { role: 'cadre', regions: ['31.01.01.1001'], purposes: ['registration'] });
    expect((await submit(url, [{ idempotencyKey: 'subject-family', family: f }])).status).toBe(202);
    // The admin's own search: an access the export must list.
    await eventually(async () => {
      const res = await authFetch(`${url}/v1/persons?nik=${nik}`);
      return ((await res.json()) as { persons: unknown[] }).persons.length === 1;
    }, 60_000, 250);
  });
  afterAll(() => stack.tearDown());

  it('refuses a caller without the role, without the purpose stated or granted, and a person outside the regions', async () => {
    const cases: Array<[TestPrincipal, string | null, number, string]> = [
      [cadre, null, 403, 'FORBIDDEN'],
      [officer, null, 403, 'PURPOSE_REQUIRED'], // granted, but not stated: the first purpose (verification) applies
      [officer, 'verification', 403, 'PURPOSE_REQUIRED'],
      [supervisor, 'data-subject-request', 403, 'PURPOSE_NOT_ALLOWED'],
      [outsider, 'data-subject-request', 404, 'PERSON_NOT_FOUND'],
    ];
    for (const [p, purpose, status, code] of cases) {
      const res = await exportAs(p, { nik }, purpose);
      expect({ role: p.role, purpose, status: res.status, code: ((await res.json()) as { error: { code: string } }).error.code }).toEqual({ role: p.role, purpose, status, code });
    }
    for (const body of [{ nik: '123' }, { nik, more: 1 }, [], 'x']) {
      const res = await exportAs(officer, body);
      expect(res.status).toBe(400);
    }
  });

  it('exports the person, their family (without the other members), the submissions and every access, and is audited itself', async () => {
    const res = await exportAs(officer, { nik });
    expect(res.status).toBe(200);
    const text = await res.text();
    const report = JSON.parse(text) as {
      requestId: string;
      requestedBy: { label: string; purpose: string };
      persons: Array<{ personId: string; record: { nik: string; name: string; birthDate: string }; family: { kk: string; members: number; address: { villageCode: string } } }>;
      submissions: Array<{ recordId: string; submittedBy: string; status: string; trail: Array<{ status: string }> }>;
      accesses: Array<{ actor: string; action: string; purpose: string }>;
      eligibility: unknown[];
    };
    expect(report.requestedBy).toMatchObject({ label: officer.label, purpose: 'data-subject-request' });
    expect(report.persons).toHaveLength(1);
    const [person] = report.persons;
    expect(person.record).toMatchObject({ nik, name: f.members[1].name, birthDate: f.members[1].birthDate });
    expect(person.family).toMatchObject({ kk: f.kk, members: 3, address: { villageCode: '31.01.01.1001' } });
    // Other members' identities are theirs: not in this person's export.
    for (const other of [f.members[0], f.members[2]]) {
      expect(text).not.toContain(other.nik!);
      expect(text).not.toContain(other.name);
    }
    expect(report.submissions).toHaveLength(1);
    expect(report.submissions[0].trail.map((e) => e.status)).toContain('received');
    expect(report.accesses.some((a) => a.action === 'person.search' && a.purpose === 'administration')).toBe(true);
    expect(Array.isArray(report.eligibility)).toBe(true);

    // The export is an access too: audited with its purpose, and listed in the next export.
    const [entry] = (await stack.db.query(
      `select actor_id, purpose, outcome, record_ids from gateway.audit_log where action = 'subject.export' and outcome = 'ok' order by seq desc limit 1`,
    )).rows;
    expect(entry).toMatchObject({ actor_id: officer.id, purpose: 'data-subject-request', outcome: 'ok' });
    expect(entry.record_ids).toContain(person.personId);
    const again = (await (await exportAs(officer, { nik })).json()) as typeof report;
    expect(again.accesses.some((a) => a.action === 'subject.export' && a.actor === officer.label)).toBe(true);
    expect(again.requestId).not.toBe(report.requestId);
  });

  it('a correction goes through the normal submission path with the request as its provenance, and the next export names it', async () => {
    const corrected = { ...f, members: f.members.map((m, i) => (i === 1 ? { ...m, name: `${m.name} Rahayu` } : m)) };
    const reason = 'Nama salah eja pada pendataan';
    const correct = (p: TestPrincipal, body: unknown, purpose: string | null = 'data-subject-request') =>
      fetch(`${url}/v1/data-subject-requests/correction`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${p.key}`, ...(purpose ? { 'x-purpose': purpose } : {}) },
        body: JSON.stringify(body),
      });
    const refusals: Array<[TestPrincipal, unknown, string | null, number, string]> = [
      [cadre, { nik, reason, family: corrected }, null, 403, 'FORBIDDEN'],
      [supervisor, { nik, reason, family: corrected }, 'data-subject-request', 403, 'PURPOSE_NOT_ALLOWED'],
      [officer, { nik, reason, family: corrected }, 'verification', 403, 'PURPOSE_REQUIRED'],
      [outsider, { nik, reason, family: corrected }, 'data-subject-request', 404, 'PERSON_NOT_FOUND'],
      [officer, { nik, family: corrected }, 'data-subject-request', 400, 'INVALID_REQUEST'],
      [officer, { nik, reason, family: { ...corrected, kk: '3101019999990001' } }, 'data-subject-request', 422, 'NOT_THE_SUBJECTS_FAMILY'],
      [officer, { nik, reason, family: { ...corrected, members: corrected.members.filter((_, i) => i !== 1) } }, 'data-subject-request', 422, 'SUBJECT_NOT_IN_RECORD'],
    ];
    for (const [p, body, purpose, status, code] of refusals) {
      const res = await correct(p, body, purpose);
      expect({ role: p.role, status: res.status, code: ((await res.json()) as { error: { code: string } }).error.code }).toEqual({ role: p.role, status, code });
    }
    expect(Number((await stack.db.query('select count(*)::int as n from gateway.subject_requests')).rows[0].n)).toBe(0);

    const res = await correct(officer, { nik, reason, family: corrected });
    expect(res.status).toBe(202);
    const { requestId, record } = (await res.json()) as { requestId: string; record: { status: string; id: string } };
    expect(record.status).toBe('accepted');
    // Validated and matched like any submission: the same person, corrected, the observation naming the request.
    const nikIndex = stack.index('nik', nik);
    const nameInRegistry = async () => {
      const row = (await stack.db.query('select identity from registry.persons where nik_index = $1', [nikIndex])).rows[0];
      return row ? (await stack.openIdentity(row.identity)).name : undefined;
    };
    await eventually(async () => (await nameInRegistry()) === corrected.members[1].name, 60_000, 250);
    expect(Number((await stack.db.query('select count(*)::int as n from registry.persons where nik_index = $1', [nikIndex])).rows[0].n)).toBe(1);
    const observation = (await stack.db.query(
      'select o.source from registry.person_observations o join registry.persons p on p.id = o.person_id where p.nik_index = $1 order by o.id desc limit 1',
      [nikIndex],
    )).rows[0];
    expect(observation.source).toMatchObject({ recordId: record.id, correctionRequestId: requestId });

    const report = (await (await exportAs(officer, { nik })).json()) as {
      corrections: Array<{ requestId: string; recordId: string; reason: string; requestedBy: string }>;
      submissions: Array<{ recordId: string; correctionRequestId: string | null; submittedBy: string }>;
    };
    expect(report.corrections).toEqual([expect.objectContaining({ requestId, recordId: record.id, reason, requestedBy: officer.label })]);
    expect(report.submissions.find((x) => x.recordId === record.id)).toMatchObject({ correctionRequestId: requestId, submittedBy: officer.label });
    const [entry] = (await stack.db.query(`select actor_id, purpose, record_ids from gateway.audit_log where action = 'subject.correction' and outcome = 'ok'`)).rows;
    expect(entry).toMatchObject({ actor_id: officer.id, purpose: 'data-subject-request' });
  });

  it('the dashboard page: only an officer sees it; the export shows the person, not the other members, and prints without the console around it', async () => {
    const b = await openBrowserPage();
    try {
      const { page } = b;
      // A supervisor without the purpose: no such page in the navigation.
      await page.goto(`${url}/dashboard#view=subject`);
      await b.ready();
      await b.signIn(supervisor.key);
      await b.ready();
      expect(await page.getByTestId('nav-review').isVisible()).toBe(true);
      expect(await page.getByTestId('nav-subject').isVisible()).toBe(false);
      expect(await page.getByTestId('subject-form').isVisible()).toBe(false);
      await page.getByTestId('signout').click();

      await b.ready();
      await b.signIn(officer.key);
      await b.ready();
      await page.getByTestId('nav-subject').click();
      await b.ready();
      expect(await page.getByTestId('subject-report').isVisible()).toBe(false);
      await page.getByTestId('subject-nik').fill(nik);
      await page.getByTestId('subject-submit').click();
      await page.getByTestId('subject-report').waitFor();
      const report = (await page.getByTestId('subject-report').innerText());
      expect(report).toContain(nik);
      expect(report).toContain(f.members[1].name);
      expect(report).toContain(f.kk);
      for (const other of [f.members[0], f.members[2]]) {
        expect(report).not.toContain(other.nik!);
        expect(report).not.toContain(other.name);
      }
      expect(await page.getByTestId('subject-accesses').locator('tr').count()).toBeGreaterThan(1);
      // The NIK is in neither the address bar nor the field once answered.
      expect(page.url()).not.toContain(nik);
      expect(await page.getByTestId('subject-nik').inputValue()).toBe('');
      await b.screenshot('subject-export-1280.png');
      await page.emulateMedia({ media: 'print' });
      expect(await page.getByTestId('subject-form').isVisible()).toBe(false);
      expect(await page.getByTestId('subject-print').isVisible()).toBe(false);
      expect(await page.locator('header').isVisible()).toBe(false);
      expect(await page.getByTestId('subject-record').isVisible()).toBe(true);
      await b.screenshot('subject-export-print.png');
      await page.emulateMedia({ media: 'screen' });
      await page.setViewportSize({ width: 360, height: 800 });
      expect(await b.width()).toBeLessThanOrEqual(360);
      await b.screenshot('subject-export-360.png');
      expect(b.problems).toEqual([]);
    } finally {
      await b.close();
    }
  });
});
