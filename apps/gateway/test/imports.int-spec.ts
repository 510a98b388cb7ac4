import type { FamilyRecord } from '@satupintu/contracts';
import { officialRegions } from '@satupintu/domain';
import { agencyListCsv, generateAgencyList, generateFamilies } from '@satupintu/synthetic';
import { authFetch, eventually, ROOT, TestStack } from '@satupintu/testing';
import ExcelJS from 'exceljs';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Importing an agency's list end to end on the real stack: the file through the gateway's import
 * job, every family through validation and the registry's matching, the per-row report, and the
 * guarantees: nothing twice (the same file again, a corrected file, a gateway killed mid-job), bad
 * files refused with a code, no 5xx.
 */
/** The parts of a job's JSON the tests read. */
interface Job {
  id: string;
  fileSha256: string;
  state: string;
  complete: boolean;
  error: unknown;
  read: Record<string, unknown>;
  progress: { rowsDone: number; rowsTotal: number | null };
  rows: Record<string, number> & { length?: never };
  findings: Record<string, number>;
  registry: Record<string, number>;
}

describe('import jobs', () => {
  const stack = new TestStack('imports');
  let url: string;
  const villages = officialRegions().childrenOf('31.71').flatMap((d) => officialRegions().childrenOf(d));

  const upload = (body: Buffer, query: Record<string, string>, contentType = 'text/csv') =>
    authFetch(`${url}/v1/imports?${new URLSearchParams(query)}`, { method: 'POST', headers: { 'content-type': contentType }, body: new Uint8Array(body) });
  const status = async (id: string) => (await (await authFetch(`${url}/v1/imports/${id}`)).json()) as Job;
  const finished = (id: string, timeout = 180_000) =>
    eventually(async () => {
      const job = await status(id);
      if (job.state === 'failed') throw new Error(`job failed: ${JSON.stringify(job.error)}`);
      return job.complete ? job : undefined;
    }, timeout, 500);
  const json = async (res: Response) => (await res.json()) as Job;
  const count = async (sql: string, params: unknown[] = []) => Number((await stack.db.query(sql, params)).rows[0].n);

  beforeAll(async () => {
    await stack.setUp();
    url = (await stack.start('gateway', { extraEnv: { IMPORT_LEASE_SECONDS: '5' } })).url;
    await stack.start('validation');
    await stack.start('dedup');
  }, 180_000);

  afterAll(() => stack.tearDown());

  let known: FamilyRecord[];
  let list: ReturnType<typeof generateAgencyList>;
  let firstJob: Job;

  it('imports a Windows-1252 ; list with mixed dates, broken rows and persons already registered, once each', async () => {
    // Ten families registered first, by a cadre's app.
    known = generateFamilies({ count: 10, villages, seed: 41, errorRate: 0, duplicateRate: 0, keyPrefix: `imp-known-${randomUUID()}` }).records.map((r) => r.family as FamilyRecord);
    const res = await authFetch(`${url}/v1/submissions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ records: known.map((f, i) => ({ idempotencyKey: `known-${i}`, family: f })) }) });
    expect(res.status).toBe(202);
    const knownPersons = known.reduce((n, f) => n + f.members.length, 0);
    await eventually(async () => (await count('select count(*) as n from registry.persons')) === knownPersons, 120_000);

    list = generateAgencyList({ families: 50, villages, seed: 42, known, brokenPerMille: 10, withoutKkPerMille: 10, badDatePerMille: 10 });

    // A dry run first: validated and matched by the pipeline, per regency, nothing written to the registry.
    const dry = await upload(agencyListCsv(list), { source: 'DTKS Jakarta Pusat 2026-11', dryRun: 'true' });
    expect(dry.status).toBe(202);
    const dryJob = await finished((await json(dry)).id);
    const dryPersons = list.families.reduce((n, f) => n + f.members.length, 0) + list.expected.withoutKk;
    const drySummary = (await (await authFetch(`${url}/v1/imports/${dryJob.id}/summary`)).json()) as { dryRun: boolean; regions: Array<Record<string, number | string>> };
    const dryTotal = (k: string) => drySummary.regions.reduce((n, r) => n + Number(r[k] ?? 0), 0);
    expect(drySummary.dryRun).toBe(true);
    expect([dryTotal('found'), dryTotal('new'), dryTotal('rejected'), dryTotal('unreadable')]).toEqual([knownPersons, dryPersons - knownPersons, list.expected.badDates, list.expected.unreadable]);
    expect(await count('select count(*) as n from registry.persons')).toBe(knownPersons);
    expect(await count('select count(*) as n from registry.person_observations')).toBe(knownPersons);
    const up = await upload(agencyListCsv(list), { source: 'DTKS Jakarta Pusat 2026-11', fileName: 'dtks.csv' });
    expect(up.status).toBe(202);
    const created = await json(up);
    expect(created.read).toMatchObject({ format: 'csv', encoding: 'windows-1252', encodingDetected: true, delimiter: ';' });
    firstJob = await finished(created.id);

    const families = list.families.length;
    const single = list.expected.withoutKk;
    expect(firstJob.rows).toEqual({ submitted: list.expected.familyRows + single, unreadable: list.expected.unreadable, 'rejected-row': list.expected.badDates });
    expect(firstJob.findings).toMatchObject({ KK_MISSING: single, DATE_INVALID: list.expected.badDates, UNREADABLE_ROW: list.expected.unreadable });
    expect(firstJob.registry).toMatchObject({ records: families + single, final: families + single, registered: families + single });
    // Exactly once in the registry: the known families' persons are found again, not doubled; the
    // persons without KK are registered without a family.
    const persons = list.families.reduce((n, f) => n + f.members.length, 0) + single;
    expect(await count('select count(*) as n from registry.persons')).toBe(persons);
    expect(await count('select count(*) as n from registry.families')).toBe(families);
    expect(await count('select count(*) as n from registry.persons p where not exists (select 1 from registry.memberships m where m.person_id = p.id and m.valid_to is null)')).toBe(single);
    expect(await count(`select count(*) as n from gateway.submission_records where idempotency_key like 'imp.%'`)).toBe(families + single);

    // The report: every row, rejected ones with their codes in both languages.
    const csv = await (await authFetch(`${url}/v1/imports/${created.id}/rows?format=csv`)).text();
    const lines = csv.trim().split('\n');
    expect(lines.length - 1).toBe(list.rows.length);
    expect(csv).toContain('KK_MISSING');
    expect(csv).toContain('Tanggal lahir tidak ada di kalender');
    // The same report as a workbook.
    const xlsx = await authFetch(`${url}/v1/imports/${created.id}/rows?format=xlsx`);
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as unknown as ArrayBuffer);
    expect(book.worksheets[0].rowCount).toBe(lines.length);
    const page = (await (await authFetch(`${url}/v1/imports/${created.id}/rows?limit=5`)).json()) as { rows: Array<Record<string, unknown>> };
    expect(page.rows).toHaveLength(5);
    expect(page.rows[0]).toMatchObject({ outcome: 'submitted', registryStatus: 'registered', resolution: 'family' });
    // Each imported row is one person of the registry: the known ones found in their family, the rest new.
    const all = (await (await authFetch(`${url}/v1/imports/${created.id}/rows?limit=5000`)).json()) as { rows: Array<{ outcome: string; personId: string | null; resolution: string | null }> };
    const imported = all.rows.filter((r) => r.outcome === 'submitted');
    const byResolution = imported.reduce<Record<string, number>>((n, r) => ({ ...n, [r.resolution ?? 'none']: (n[r.resolution ?? 'none'] ?? 0) + 1 }), {});
    expect(byResolution).toEqual({ family: knownPersons, new: persons - knownPersons });
    const registryIds = new Set((await stack.db.query('select id from registry.persons')).rows.map((r: { id: string }) => r.id));
    expect(new Set(imported.map((r) => r.personId))).toEqual(registryIds);
    // Per regency: the known families' persons found, the others new, the bad rows rejected.
    const summary = (await (await authFetch(`${url}/v1/imports/${created.id}/summary`)).json()) as { regions: Array<Record<string, number | string>> };
    const total = (k: string) => summary.regions.reduce((n, r) => n + Number(r[k] ?? 0), 0);
    expect(summary.regions.every((r) => String(r.code).startsWith('31.71') || r.code === 'unknown')).toBe(true);
    expect([total('found'), total('new'), total('rejected'), total('unreadable')]).toEqual([knownPersons, persons - knownPersons, list.expected.badDates, list.expected.unreadable]);
    // Provenance: every observation the list made names the list, the job, the file and its row.
    const observed = await stack.db.query(`select source from registry.person_observations where source->>'list' = 'DTKS Jakarta Pusat 2026-11'`);
    expect(observed.rows).toHaveLength(list.expected.familyRows + single);
    const fileRows = new Set(observed.rows.map((r: { source: { row: number; jobId: string; fileSha256: string } }) => r.source.row));
    expect(fileRows.size).toBe(list.expected.familyRows + single);
    expect(observed.rows.every((r: { source: { jobId: string; fileSha256: string } }) => r.source.jobId === created.id && r.source.fileSha256 === firstJob.fileSha256)).toBe(true);
  }, 600_000);

  it('changes nothing when the same file comes again, and submits only what a corrected file changed', async () => {
    const before = await count('select count(*) as n from gateway.submission_events');
    const again = await upload(agencyListCsv(list), { source: 'DTKS Jakarta Pusat 2026-11', fileName: 'dtks.csv' });
    expect(again.status).toBe(200);
    expect((await json(again)).id).toBe(firstJob.id);
    expect(await count('select count(*) as n from gateway.submission_events')).toBe(before);

    const corrected = { ...list, rows: list.rows.map((r, i) => (i === list.rows.findIndex((x) => 'cells' in x && x.cells[0] !== '') && 'cells' in r ? { cells: r.cells.map((c, j) => (j === 6 ? 'Jl. Kenanga No. 9' : c)) } : r)) };
    const up = await upload(agencyListCsv(corrected), { source: 'DTKS Jakarta Pusat 2026-11', fileName: 'dtks-koreksi.csv' });
    expect(up.status).toBe(202);
    const job = await finished((await json(up)).id);
    const familyRows = list.expected.familyRows + list.expected.withoutKk;
    const changedFamily = list.families.find((f) => corrected.rows.some((r) => 'cells' in r && r.cells[1] === f.kk && r.cells[6] === 'Jl. Kenanga No. 9'))!;
    expect(job.rows.submitted).toBe(changedFamily.members.length);
    expect(job.rows.unchanged).toBe(familyRows - changedFamily.members.length);
  }, 300_000);

  it('refuses bad files with a code and no 5xx, and reads an XLSX with formulas and merged cells', async () => {
    const codeOf = async (res: Response) => [res.status, ((await res.json()) as { error?: { code: string } }).error?.code];
    expect(await codeOf(await upload(Buffer.from(''), { source: 'x' }))).toEqual([400, 'EMPTY_FILE']);
    expect(await codeOf(await upload(Buffer.from('NAMA;JK\nSiti;P\n'), { source: 'x' }))).toEqual([400, 'UNMAPPED_FIELD']);
    expect(await codeOf(await upload(agencyListCsv(list), { source: 'x', encoding: 'utf-8' }))).toEqual([400, 'WRONG_ENCODING']);
    expect(await codeOf(await upload(agencyListCsv(list), { source: 'x', preset: 'bpjs' }))).toEqual([400, 'UNKNOWN_PRESET']);
    const garbage = Buffer.alloc(50 * 2 ** 20);
    for (let i = 0; i < garbage.length; i += 4) garbage.writeUInt32LE((i * 2654435761) >>> 0, i);
    expect(await codeOf(await upload(garbage, { source: 'x' }, 'application/octet-stream'))).toEqual([400, 'NOT_A_TABLE']);
    expect((await upload(Buffer.from('{}'), { source: 'x' }, 'application/json')).status).toBe(415);

    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Data Posyandu');
    sheet.addRow(['NIK', 'NO_KK', 'NAMA', 'L/P', 'TGL_LAHIR', 'HUB_KEL', 'RT_RW', 'KODE_DESA', 'UMUR']);
    const f = known[0];
    const kkOnlyForXlsx = `${f.kk.slice(0, 10)}777777`;
    sheet.addRow(['', kkOnlyForXlsx, 'Rahmat Hidayat', 'L', new Date(Date.UTC(1985, 4, 5)), 1, '001/002', f.address.villageCode, { formula: '2026-1985', result: 41 }]);
    sheet.addRow(['', kkOnlyForXlsx, 'Nur Aini', 'P', '07/07/1988', 3, '001/002', f.address.villageCode, { formula: 'B2' }]);
    sheet.addRow(['', kkOnlyForXlsx, 'Aisyah', 'P', '2015-01-09', 4, '001/002', f.address.villageCode, '']);
    sheet.mergeCells('G2:G4');
    const path = `${stack.prefix}-posyandu.xlsx`;
    const buffer = Buffer.from(await workbook.xlsx.writeBuffer());
    void path;
    const up = await upload(buffer, { source: 'Posyandu Melati', sheet: 'Data Posyandu' }, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(up.status).toBe(202);
    const job = await finished((await json(up)).id);
    // The merged RT/RW cell is empty below its first row: those rows are refused with a finding.
    expect(job.rows).toMatchObject({ 'rejected-row': 2, submitted: 1 });
    expect(job.findings).toMatchObject({ FORMULA_WITHOUT_VALUE: 1 });
  }, 300_000);

  it('resumes a job after the gateway is killed with SIGKILL, submitting nothing twice', async () => {
    const big = generateAgencyList({ families: 2500, villages, seed: 43, brokenPerMille: 1, withoutKkPerMille: 1, badDatePerMille: 1 });
    const up = await upload(agencyListCsv(big), { source: 'KJP Plus 2026' });
    expect(up.status).toBe(202);
    const { id } = await json(up);
    const atKill = await eventually(async () => {
      const s = await status(id);
      return s.progress.rowsDone > 0 ? s : undefined;
    }, 120_000, 100);
    await stack.stop('gateway', 'SIGKILL');
    // Killed in the middle of the job, not after it.
    expect(atKill.state).toBe('running');
    expect(atKill.progress.rowsDone).toBeLessThan(big.rows.length);
    url = (await stack.start('gateway', { extraEnv: { IMPORT_LEASE_SECONDS: '5' } })).url;
    const job = await finished(id, 300_000);
    expect(job.rows.submitted + (job.rows.unchanged ?? 0)).toBe(big.expected.familyRows + big.expected.withoutKk);
    expect(await count(`select count(*) as n from gateway.submission_records where idempotency_key like 'imp.kjp-plus-2026.%'`)).toBe(big.families.length + big.expected.withoutKk);
    expect(await count(`select count(*) as n from gateway.import_rows where job_id = $1`, [id])).toBe(big.rows.length);
    const persons = big.families.reduce((n, f) => n + f.members.length, 0);
    expect(await count(`select count(*) as n from registry.memberships m join registry.families f on f.id = m.family_id where m.valid_to is null and f.kk_index = any($1)`, [big.families.map((f) => stack.index('kk', f.kk))])).toBe(persons);
  }, 600_000);

  it('sp import uploads a posyandu list with village names, follows it to the end and writes the report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sp-import-cli-'));
    const regions = officialRegions();
    const [a, b] = villages.slice(0, 2).map((code) => ({ village: regions.get(code)!.name, district: regions.get(code.split('.').slice(0, 3).join('.'))!.name, code }));
    const kk = (n: number) => `3171011001${String(n).padStart(6, '0')}`;
    const lines = [
      'NIK;NO_KK;NAMA;L/P;TGL_LAHIR;HUB_KEL;ALAMAT;RT_RW;DESA;KECAMATAN',
      `;${kk(1)};Budi Santoso;L;12/03/1985;KEPALA KELUARGA;Jl. Melati 3;002/005;${a.village};${a.district}`,
      `;${kk(1)};Sri Wahyuni;P;1987-07-21;ISTRI;Jl. Melati 3;002/005;${a.village};${a.district}`,
      `;${kk(1)};Putri Santoso;P;05-01-21;ANAK;Jl. Melati 3;002/005;${a.village};${a.district}`,
      `;${kk(2)};Agus Salim;L;01/01/1970;1;;001/001;${b.village};${b.district}`,
      `;${kk(3)};Tanpa Desa;L;01/01/1970;1;;001/001;Desa Yang Tidak Ada;${b.district}`,
    ];
    const file = join(dir, 'posyandu.csv');
    writeFileSync(file, `${lines.join('\r\n')}\r\n`);
    const report = join(dir, 'report.csv');
    const child = spawn(process.execPath, ['-r', join(ROOT, 'tools/runtime/register-paths.js'), join(ROOT, 'dist/tools/cli/main.js'), 'import', file, '--source', 'Posyandu Mawar', '--preset', 'posyandu', '--report', report, '-g', url], {
      env: { ...process.env, SATUPINTU_API_KEY: stack.adminKey, LOG_LEVEL: 'error' },
    });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    const out = JSON.parse(stdout) as { state: string; complete: boolean; rows: Record<string, number>; findings: Record<string, number>; byRegency: Array<{ code: string; new?: number }> };
    expect(out).toMatchObject({ state: 'done', complete: true, rows: { submitted: 4, 'rejected-row': 1 }, findings: { VILLAGE_UNKNOWN: 1 } });
    expect(out.byRegency.find((r) => r.code === '31.71')).toMatchObject({ new: 4 });
    const csv = readFileSync(report, 'utf8');
    expect(csv.split('\n')[0]).toContain('person_id');
    expect(csv).toContain('VILLAGE_UNKNOWN');
    expect(csv).not.toContain('Budi');
  }, 300_000);
});
