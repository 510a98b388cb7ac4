import { Inject, Injectable } from '@nestjs/common';
import { inspectTable, MappingError, parseColumnMap, resolveMapping, TableError, type ColumnMap, type TableInfo } from '@satupintu/importing';
import { officialRegions } from '@satupintu/domain';
import { ApiError, DATA_SOURCE } from '@satupintu/platform';
import { PROTECTED, PROTECTOR, sealBytes, type Protector } from '@satupintu/protection';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import type { Caller } from '../auth/caller';

/** Largest list file accepted (bytes): a province's DTKS extract as CSV is well under it. */
export const IMPORT_MAX_BYTES = 200 * 2 ** 20;
const CHUNK = 2 ** 20;

export const ImportQuery = z.strictObject({
  source: z.string().trim().min(1).max(100),
  preset: z.string().max(40).optional(),
  mapping: z.string().max(2000).optional(),
  encoding: z.string().max(20).optional(),
  sheet: z.string().max(100).optional(),
  fileName: z.string().max(200).optional(),
  dryRun: z.enum(['true', 'false']).optional(),
});
export type ImportQuery = z.infer<typeof ImportQuery>;

/** How the runner reads the job's file again (kept with the job). */
export interface ImportOptions {
  preset?: string;
  mapping?: ColumnMap;
  encoding?: string;
  sheet?: string;
  purpose: string;
  via: 'api-key' | 'token';
}

export interface ImportJobRow {
  id: string;
  principal_id: string;
  source: string;
  file_name: string | null;
  file_sha256: string;
  file_bytes: string;
  dry_run: boolean;
  options: ImportOptions;
  table_info: TableInfo & { mapping: Record<string, string | undefined> };
  state: 'queued' | 'running' | 'done' | 'failed';
  position: number;
  rows_total: number | null;
  families_total: number | null;
  error: { code: string; message: string } | null;
  created_at: Date;
  updated_at: Date;
  finished_at: Date | null;
}

class TooLarge extends Error {}

/**
 * Import jobs: an upload becomes a durable job (the file kept in PostgreSQL until the job is done,
 * so any gateway instance can run it and a restart resumes it), its state and counts, and its
 * per-row report. The same list (principal, source name, file hash) uploaded again is the same
 * job: nothing is imported twice.
 */
@Injectable()
export class ImportsService {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(PROTECTOR) private readonly protector: Protector,
  ) {}

  async create(body: Readable, query: unknown, caller: Caller): Promise<{ status: 200 | 202; job: ReturnType<ImportsService['describe']> }> {
    const q = ImportQuery.safeParse(query);
    if (!q.success) throw new ApiError(400, 'INVALID_QUERY', 'the query is not valid', q.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
    let mapping: ColumnMap | undefined;
    try {
      mapping = q.data.mapping ? parseColumnMap(q.data.mapping) : undefined;
    } catch (e) {
      throw new ApiError(400, (e as MappingError).code ?? 'BAD_MAPPING', (e as Error).message);
    }
    const dir = await mkdtemp(join(tmpdir(), 'sp-upload-'));
    const path = join(dir, 'list');
    try {
      let bytes = 0;
      await pipeline(
        body,
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            bytes += chunk.length;
            if (bytes > IMPORT_MAX_BYTES) throw new TooLarge();
            yield chunk;
          }
        },
        createWriteStream(path),
      ).catch((e) => {
        if (e instanceof TooLarge) throw new ApiError(413, 'FILE_TOO_LARGE', `a list file may have at most ${IMPORT_MAX_BYTES / 2 ** 20} MB; split it`);
        throw new ApiError(400, 'UPLOAD_INTERRUPTED', 'the upload did not arrive whole');
      });
      let info: TableInfo;
      let columns: Record<string, string | undefined>;
      try {
        info = await inspectTable({ path, encoding: q.data.encoding, sheet: q.data.sheet });
        columns = resolveMapping(info.header, { preset: q.data.preset, mapping });
      } catch (e) {
        if (e instanceof TableError || e instanceof MappingError) throw new ApiError(400, e.code, e.message);
        if (e instanceof Error && /^encoding /.test(e.message)) throw new ApiError(400, 'BAD_ENCODING', e.message);
        throw e;
      }
      const dryRun = q.data.dryRun === 'true';
      const [existing]: ImportJobRow[] = await this.db.query(
        'select * from gateway.import_jobs where principal_id = $1 and source = $2 and file_sha256 = $3 and dry_run = $4',
        [caller.principal.id, q.data.source, info.sha256, dryRun],
      );
      if (existing) {
        caller.touched([existing.id]);
        caller.detail = { jobId: existing.id, existing: true };
        return { status: 200, job: this.describe(existing, await this.counts(existing.id)) };
      }
      const id = randomUUID();
      const options: ImportOptions = { preset: q.data.preset, mapping, encoding: q.data.encoding, sheet: q.data.sheet, purpose: caller.purpose, via: caller.via };
      await this.db.transaction(async (m) => {
        await m.query(
          `insert into gateway.import_jobs (id, principal_id, source, file_name, file_sha256, file_bytes, dry_run, options, table_info, state)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'queued')`,
          [id, caller.principal.id, q.data.source, q.data.fileName ?? null, info.sha256, info.bytes, dryRun, JSON.stringify(options), JSON.stringify({ ...info, mapping: columns })],
        );
        const handle = await open(path, 'r');
        try {
          for (let chunk = 0; ; chunk++) {
            const buffer = Buffer.alloc(CHUNK);
            const { bytesRead } = await handle.read(buffer, 0, CHUNK, chunk * CHUNK);
            if (bytesRead === 0) break;
            const sealed = await sealBytes(this.protector, buffer.subarray(0, bytesRead), PROTECTED.gateway.importFile);
            await m.query('insert into gateway.import_files (job_id, chunk, data) values ($1, $2, $3)', [id, chunk, sealed]);
          }
        } finally {
          await handle.close();
        }
      });
      caller.touched([id]);
      caller.detail = { jobId: id, bytes: info.bytes, format: info.format, dryRun };
      const [job]: ImportJobRow[] = await this.db.query('select * from gateway.import_jobs where id = $1', [id]);
      return { status: 202, job: this.describe(job, await this.counts(id)) };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** A job the caller may see: an agency its own; an admin any. Others are 404. */
  /** The caller's import jobs (an admin: everyone's), newest first, 50 of them. */
  async list(caller: Caller) {
    const rows: ImportJobRow[] = await this.db.query(
      `select * from gateway.import_jobs where ($1::uuid is null or principal_id = $1) order by created_at desc limit 50`,
      [caller.principal.role === 'admin' ? null : caller.principal.id],
    );
    caller.touched(rows.map((r) => r.id));
    return { jobs: rows.map((j) => ({ id: j.id, source: j.source, fileName: j.file_name, dryRun: j.dry_run, state: j.state, rowsTotal: j.rows_total, familiesTotal: j.families_total, createdAt: new Date(j.created_at).toISOString() })) };
  }

  async job(id: string, caller: Caller): Promise<ImportJobRow> {
    const [job]: ImportJobRow[] = await this.db.query('select * from gateway.import_jobs where id = $1', [id]);
    if (!job || (caller.principal.role !== 'admin' && job.principal_id !== caller.principal.id)) throw new ApiError(404, 'IMPORT_NOT_FOUND', 'no import job has this id');
    caller.touched([id]);
    return job;
  }

  async status(id: string, caller: Caller) {
    const job = await this.job(id, caller);
    return this.describe(job, await this.counts(id));
  }

  /** Rows by outcome, findings by code, and the registry's status of the submitted records. */
  async counts(id: string) {
    const outcomes: Array<{ outcome: string; n: string }> = await this.db.query('select outcome, count(*) as n from gateway.import_rows where job_id = $1 group by outcome', [id]);
    const findings: Array<{ code: string; n: string }> = await this.db.query(
      `select f->>'code' as code, count(*) as n from gateway.import_rows r, jsonb_array_elements(r.findings) f where r.job_id = $1 group by 1`,
      [id],
    );
    const records: Array<{ status: string; n: string }> = await this.db.query(
      `select s.status, count(*) as n from (select distinct record_id from gateway.import_rows where job_id = $1 and record_id is not null) r
         join gateway.submission_records s on s.id = r.record_id group by s.status`,
      [id],
    );
    const num = (rows: Array<{ n: string } & Record<string, string>>, key: string) => Object.fromEntries(rows.map((r) => [r[key], Number(r.n)]));
    return { rows: num(outcomes, 'outcome'), findings: num(findings, 'code'), records: num(records, 'status') };
  }

  describe(job: ImportJobRow, counts: Awaited<ReturnType<ImportsService['counts']>>) {
    const rowsDone = Object.values(counts.rows).reduce((a, b) => a + b, 0);
    const records = counts.records;
    const final = (records.registered ?? 0) + (records.rejected ?? 0);
    const submitted = Object.values(records).reduce((a, b) => a + b, 0);
    const info = job.table_info;
    return {
      id: job.id,
      source: job.source,
      fileName: job.file_name,
      fileSha256: job.file_sha256,
      fileBytes: Number(job.file_bytes),
      dryRun: job.dry_run,
      state: job.state,
      read: { format: info.format, encoding: info.encoding, encodingDetected: info.encodingDetected, delimiter: info.delimiter, sheet: info.sheet, columns: info.header.length, mapping: info.mapping },
      progress: { rowsTotal: job.rows_total, rowsDone, familiesTotal: job.families_total },
      rows: counts.rows,
      findings: counts.findings,
      registry: { records: submitted, final, ...records },
      complete: job.state === 'done' && final === submitted,
      error: job.error,
      createdAt: job.created_at,
      updatedAt: job.updated_at,
      finishedAt: job.finished_at,
    };
  }

  /**
   * The per-row report, in row order from `after`: the row's outcome, its record (family) and the
   * registry's status for it, every finding and every rule the family was rejected by, in
   * Indonesian and English.
   */
  async report(id: string, caller: Caller, after: number, limit: number) {
    await this.job(id, caller);
    const rows: Array<{
      row: number;
      outcome: string;
      record_id: string | null;
      findings: Array<Record<string, unknown>>;
      status: string | null;
      family_id: string | null;
      errors: Array<Record<string, unknown>> | null;
      member: { personId: string; resolution: string; candidateId?: string } | null;
    }> = await this.db.query(
      `select r.row, r.outcome, r.record_id, r.findings, s.status, s.family_id,
              (select e.detail->'errors' from gateway.submission_events e where e.record_id = s.id and e.revision = s.revision and e.status = 'rejected' limit 1) as errors,
              (select e.detail->'members'->r.member_index from gateway.submission_events e where e.record_id = s.id and e.revision = s.revision and e.status = 'registered' limit 1) as member
         from gateway.import_rows r left join gateway.submission_records s on s.id = r.record_id
        where r.job_id = $1 and r.row > $2 order by r.row limit $3`,
      [id, after, limit],
    );
    return rows.map((r) => ({
      row: r.row,
      outcome: r.outcome,
      recordId: r.record_id,
      registryStatus: r.status,
      familyId: r.family_id,
      // Who the row's person is in the registry: found by NIK, a current member of the family, new,
      // merged automatically into an existing person, or sent to review beside one.
      personId: r.member ? (r.member.resolution === 'merge' ? r.member.candidateId ?? r.member.personId : r.member.personId) : null,
      resolution: r.member?.resolution ?? null,
      matchedWith: r.member?.candidateId ?? null,
      findings: r.findings,
      rejectedBy: (r.errors ?? []).map((e) => ({ code: e.code, path: e.path, message: e.message })),
    }));
  }

  /**
   * Per regency/city (from the rows' villages): rows, and what became of them: new persons, persons
   * found in the registry (by NIK, in their family, or merged automatically), sent to review,
   * rejected (a row's own cells, the intake, or validation), still waiting; for a dry run, what the
   * registry would do. Rows without a readable village are counted under "unknown".
   */
  async summary(id: string, caller: Caller) {
    const job = await this.job(id, caller);
    const rows: Array<{ regency: string | null; outcome: string; status: string | null; resolution: string | null; n: string }> = await this.db.query(
      `select left(r.village_code, 5) as regency, r.outcome, s.status,
              (select e.detail->'members'->r.member_index->>'resolution' from gateway.submission_events e
                where e.record_id = s.id and e.revision = s.revision and e.status = 'registered' limit 1) as resolution,
              count(*) as n
         from gateway.import_rows r left join gateway.submission_records s on s.id = r.record_id
        where r.job_id = $1 group by 1, 2, 3, 4`,
      [id],
    );
    const regions = new Map<string, Record<string, number>>();
    const add = (regency: string, key: string, n: number) => {
      const counts = regions.get(regency) ?? { rows: 0 };
      counts[key] = (counts[key] ?? 0) + n;
      regions.set(regency, counts);
    };
    for (const r of rows) {
      const regency = r.regency ?? 'unknown';
      const n = Number(r.n);
      add(regency, 'rows', n);
      const key =
        r.outcome === 'unreadable' ? r.outcome
        : r.outcome === 'rejected-row' || r.outcome === 'refused' || r.outcome === 'would-refuse' || r.status === 'rejected' ? 'rejected'
        : r.resolution === 'new' ? 'new'
        : r.resolution === 'review' ? 'review'
        : r.resolution === 'nik' || r.resolution === 'family' || r.resolution === 'merge' ? 'found'
        : 'waiting';
      add(regency, key, n);
    }
    const names = officialRegions();
    return {
      id: job.id,
      dryRun: job.dry_run,
      regions: [...regions].sort(([a], [b]) => a.localeCompare(b)).map(([code, counts]) => ({ code, name: names.get(code)?.name ?? null, ...counts })),
    };
  }

  async reportCsv(id: string, caller: Caller): Promise<string> {
    return stringify(await this.reportTable(id, caller));
  }

  /** The report as a workbook (one sheet, the same columns as the CSV), for data officers who work in a spreadsheet. */
  async reportXlsx(id: string, caller: Caller): Promise<Buffer> {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Laporan impor');
    for (const line of await this.reportTable(id, caller)) sheet.addRow(line);
    sheet.getRow(1).font = { bold: true };
    sheet.views = [{ state: 'frozen', ySplit: 1 }];
    return Buffer.from(await workbook.xlsx.writeBuffer());
  }

  private async reportTable(id: string, caller: Caller): Promise<unknown[][]> {
    const lines: unknown[][] = [['row', 'outcome', 'record_id', 'registry_status', 'family_id', 'person_id', 'resolution', 'matched_with', 'codes', 'pesan', 'message']];
    for (let after = 0; ; ) {
      const page = await this.report(id, caller, after, 5000);
      for (const r of page) {
        const items = [
          ...r.findings.map((f) => {
            const m = (f.message ?? {}) as { id?: string; en?: string };
            return { code: String(f.code), id: m.id ?? '', en: m.en ?? '' };
          }),
          ...r.rejectedBy.map((e) => {
            const m = (e.message ?? {}) as { id?: string; en?: string };
            return { code: String(e.code), id: m.id ?? '', en: m.en ?? '' };
          }),
        ];
        lines.push([r.row, r.outcome, r.recordId ?? '', r.registryStatus ?? '', r.familyId ?? '', r.personId ?? '', r.resolution ?? '', r.matchedWith ?? '', items.map((i) => i.code).join(' '), items.map((i) => i.id).join(' | '), items.map((i) => i.en).join(' | ')]);
      }
      if (page.length < 5000) break;
      after = page[page.length - 1].row;
    }
    return lines;
  }
}
