import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { LIMITS } from '@satupintu/contracts';
import {
  familyOf,
  findingMessage,
  importKey,
  importKeyWithoutKk,
  personWithoutKk,
  readPersonRow,
  readTable,
  type PersonRow,
  type RowFinding,
} from '@satupintu/importing';
import { describeError } from '@satupintu/kafka';
import type { Logger } from '@satupintu/observability';
import { returnedRows } from '@satupintu/persistence';
import { DATA_SOURCE, LOGGER, PeriodicTask } from '@satupintu/platform';
import { openBytes, PROTECTED, PROTECTOR, type Protector } from '@satupintu/protection';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Caller } from '../auth/caller';
import type { Purpose } from '../auth/policy';
import { PrincipalsService } from '../auth/principals.service';
import { SubmissionsService, type RecordOutcome } from '../submissions/submissions.service';
import type { ImportJobRow } from './imports.service';
import { villageResolver } from './village-names';

/** How long a job stays with the instance running it without news (IMPORT_LEASE_SECONDS, default 60). */
const LEASE_SECONDS = Math.min(Math.max(Number(process.env.IMPORT_LEASE_SECONDS ?? 60) || 60, 5), 3600);
const FAMILIES_PER_BATCH = 200;

interface RowOutcome {
  row: number;
  outcome: 'submitted' | 'unchanged' | 'refused' | 'rejected-row' | 'unreadable' | 'would-submit' | 'would-refuse';
  recordId: string | null;
  familyKey: string | null;
  /** The row's place among its family record's members (its person in the registry's answer). */
  memberIndex?: number;
  village: string | null;
  findings: Array<{ field: string; code: string; severity: string; message: { id: string; en: string } }>;
}

const said = (f: RowFinding) => ({ field: f.field, code: f.code, severity: f.severity, message: findingMessage(f.code, f.message) });

/**
 * Runs import jobs in the gateway: one job at a time per instance, claimed with a lease (another
 * instance takes a job over when its lease runs out, a restarted one resumes it). The file is read
 * twice, streaming: first to know where each KK's last row is, then to submit each family as soon
 * as its last row is read, through the same intake as POST /v1/submissions (same checks, region
 * scope and idempotency keys, the job's principal as submitter). After every batch the job's
 * position (the row up to which every row has its outcome) is saved with the rows' outcomes; a run
 * that stops anywhere resumes from there, and whatever it submits again is answered "unchanged".
 */
@Injectable()
export class ImportRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly loop = new PeriodicTask(() => this.runNext());
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private stopping = false;

  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(SubmissionsService) private readonly submissions: SubmissionsService,
    @Inject(PrincipalsService) private readonly principals: PrincipalsService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PROTECTOR) private readonly protector: Protector,
  ) {}

  onApplicationBootstrap(): void {
    this.loop.start(500);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.loop.stop();
  }

  /** Claims the oldest open job whose lease is free, and runs it; returns its id (or null). */
  async runNext(): Promise<string | null> {
    let job: ImportJobRow | undefined;
    try {
      [job] = await this.db.query(
        `update gateway.import_jobs set state = 'running', lease_owner = $1, lease_until = now() + make_interval(secs => $2), updated_at = now()
          where id = (select id from gateway.import_jobs where state in ('queued', 'running') and (lease_until is null or lease_until < now())
                       order by created_at limit 1 for update skip locked)
          returning *`,
        [this.owner, LEASE_SECONDS],
      ).then(returnedRows<ImportJobRow>);
    } catch (err) {
      this.logger.warn({ err: describeError(err) }, 'claiming an import job failed; retried');
      return null;
    }
    if (!job) return null;
    try {
      await this.run(job);
    } catch (err) {
      this.logger.error({ err: describeError(err), jobId: job.id }, 'import job stopped by an error; it resumes when its lease runs out');
    }
    return job.id;
  }

  private async run(job: ImportJobRow): Promise<void> {
    const principal = await this.principals.active(job.principal_id);
    if (!principal) return this.fail(job, 'PRINCIPAL_DISABLED', 'the principal that started this import is disabled or gone');
    const caller = new Caller(principal, job.options.purpose as Purpose, 'import', job.options.via);
    const dir = await mkdtemp(join(tmpdir(), 'sp-import-'));
    const path = join(dir, 'list');
    try {
      await this.materialise(job.id, path);
      const source = { path, format: job.table_info.format, encoding: job.table_info.encoding ?? undefined, sheet: job.table_info.sheet ?? undefined };
      const mapping = job.table_info.mapping as Parameters<typeof readPersonRow>[1];
      const resolve = villageResolver(caller.scopeRegions());
      const today = new Date(job.created_at);

      // Pass 1: where each KK's last row is (only positions are kept).
      const lastRowOfKk = new Map<string, number>();
      let rowsTotal = 0;
      for await (const r of readTable(source, job.table_info)) {
        rowsTotal += 1;
        if (r.kind !== 'row') continue;
        const { person } = readPersonRow(r, mapping, resolve, today);
        if (person?.kk) lastRowOfKk.set(person.kk, r.row);
      }
      await this.db.query('update gateway.import_jobs set rows_total = $2, families_total = $3, updated_at = now() where id = $1', [job.id, rowsTotal, lastRowOfKk.size]);

      // Pass 2: families as their last row is read; rows up to the job's position are done.
      const done = job.position;
      const pending = new Map<string, { persons: PersonRow[]; findings: RowFinding[][] }>();
      let batch: Array<{ kk: string | null; persons: PersonRow[]; findings: RowFinding[][] }> = [];
      let loose: RowOutcome[] = [];
      let position = done;
      const flush = async () => {
        if (!(await this.flush(job, caller, batch, loose, position))) throw new Error('lease lost');
        batch = [];
        loose = [];
      };
      for await (const r of readTable(source, job.table_info)) {
        if (r.kind === 'unreadable') {
          if (r.row > done) loose.push({ row: r.row, outcome: 'unreadable', recordId: null, familyKey: null, village: null, findings: [said({ row: r.row, field: '*', code: 'UNREADABLE_ROW', message: r.message, severity: 'error' })] });
        } else {
          const { person, findings } = readPersonRow(r, mapping, resolve, today);
          const last = person?.kk ? lastRowOfKk.get(person.kk)! : r.row;
          if (last <= done) continue;
          if (!person) loose.push({ row: r.row, outcome: 'rejected-row', recordId: null, familyKey: null, village: null, findings: findings.map(said) });
          else if (!person.kk) {
            // A person without a KK: a record of one person, found in the registry or registered without a family.
            batch.push({ kk: null, persons: [person], findings: [[...findings, { row: r.row, field: 'kk', code: 'KK_MISSING', message: 'no KK: registered as a person without a family (or found in the registry)', severity: 'warning' as const }]] });
          } else {
            const family = pending.get(person.kk) ?? { persons: [], findings: [] };
            family.persons.push(person);
            family.findings.push(findings);
            pending.set(person.kk, family);
            if (last === r.row) {
              pending.delete(person.kk);
              batch.push({ kk: person.kk, ...family });
            }
          }
        }
        position = Math.max(position, r.row);
        if (batch.length >= FAMILIES_PER_BATCH || loose.length >= 2000) {
          if (this.stopping) return this.release(job);
          await flush();
        }
      }
      await flush();
      await this.db.transaction(async (m) => {
        await m.query(`update gateway.import_jobs set state = 'done', finished_at = now(), updated_at = now(), lease_owner = null, lease_until = null where id = $1`, [job.id]);
        await m.query('delete from gateway.import_files where job_id = $1', [job.id]);
      });
      this.logger.info({ jobId: job.id, rows: rowsTotal, families: lastRowOfKk.size }, 'import job done');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /**
   * Submits a batch of families (or, in a dry run, validates them) and saves the outcome of every
   * row with the job's new position, under the lease. Returns false when the lease was lost.
   */
  private async flush(job: ImportJobRow, caller: Caller, batch: Array<{ kk: string | null; persons: PersonRow[]; findings: RowFinding[][] }>, loose: RowOutcome[], position: number): Promise<boolean> {
    const rows: RowOutcome[] = [...loose];
    if (batch.length > 0) {
      const built = batch.map((b) => {
        if (b.kk === null) return { ...b, family: personWithoutKk(b.persons[0]), familyFindings: [] as RowFinding[], key: importKeyWithoutKk(job.source, b.persons[0]) };
        const { family, findings } = familyOf(b.kk, b.persons);
        if (b.persons.length > LIMITS.membersPerFamily) findings.push({ row: b.persons[0].row, field: 'members', code: 'FAMILY_TOO_LARGE', message: `${b.persons.length} rows share this KK`, severity: 'warning' });
        return { ...b, family, familyFindings: findings, key: importKey(job.source, b.kk) };
      });
      // A dry run goes the same way with its own keys and the dryRun flag: validated and matched by
      // the pipeline, never written to the registry.
      const keyOf = (key: string) => (job.dry_run ? `impdry.${job.id}.${key}` : key);
      const provenance = new Map(built.map((b) => [keyOf(b.key), { list: job.source, jobId: job.id, fileSha256: job.file_sha256, rows: b.persons.slice(0, LIMITS.membersPerFamily).map((p) => p.row) }]));
      const outcomes: RecordOutcome[] = await this.submissions.submit({ records: built.map((b) => ({ idempotencyKey: keyOf(b.key), family: b.family })) }, caller, provenance, job.dry_run);
      built.forEach((b, i) => {
        const o = outcomes.find((x) => x.index === i)!;
        const outcome: RowOutcome['outcome'] = job.dry_run
          ? o.status === 'invalid' ? 'would-refuse' : 'would-submit'
          : o.status === 'accepted' ? 'submitted' : o.status === 'unchanged' ? 'unchanged' : 'refused';
        const recordId = 'id' in o ? o.id : null;
        const refusal = o.status === 'invalid' ? o.errors.map((e) => ({ field: e.path, code: e.code, severity: 'error', message: findingMessage(e.code, e.message) })) : [];
        b.persons.forEach((p, k) => {
          rows.push({
            row: p.row,
            outcome,
            recordId,
            familyKey: b.key,
            memberIndex: k,
            village: b.family.address.villageCode,
            findings: [...b.findings[k].map(said), ...(k === 0 ? [...b.familyFindings.map(said), ...refusal] : [])],
          });
        });
      });
    }
    return this.db.transaction(async (m) => {
      const [lease]: Array<{ id: string }> = await m.query(
        `update gateway.import_jobs set position = $3, updated_at = now(), lease_until = now() + make_interval(secs => $4)
          where id = $1 and lease_owner = $2 returning id`,
        [job.id, this.owner, position, LEASE_SECONDS],
      ).then(returnedRows<{ id: string }>);
      if (!lease) return false;
      if (rows.length > 0) {
        await m.query(
          `insert into gateway.import_rows (job_id, row, outcome, record_id, family_key, member_index, village_code, findings)
           select $1, t.row, t.outcome, t.record_id, t.family_key, t.member_index, t.village, t.findings
             from unnest($2::int[], $3::text[], $4::uuid[], $5::text[], $6::int[], $7::text[], $8::jsonb[]) as t(row, outcome, record_id, family_key, member_index, village, findings)
           on conflict (job_id, row) do update set outcome = excluded.outcome, record_id = excluded.record_id, family_key = excluded.family_key,
             member_index = excluded.member_index, village_code = excluded.village_code, findings = excluded.findings`,
          [job.id, rows.map((r) => r.row), rows.map((r) => r.outcome), rows.map((r) => r.recordId), rows.map((r) => r.familyKey), rows.map((r) => r.memberIndex ?? null), rows.map((r) => r.village), rows.map((r) => JSON.stringify(r.findings))],
        );
      }
      const submitted = [...new Set(rows.filter((r) => r.outcome === 'submitted' && r.recordId).map((r) => r.recordId!))];
      if (submitted.length > 0) {
        await this.audit.write(
          { actor: caller.principal, action: 'import.submit', outcome: 'ok', status: 202, recordType: 'submission-record', recordIds: submitted, purpose: caller.purpose, ip: null, detail: { jobId: job.id, families: batch.length, rows: rows.length } },
          m,
        );
      }
      return true;
    });
  }

  private async materialise(jobId: string, path: string): Promise<void> {
    const out = createWriteStream(path);
    try {
      for (let chunk = 0; ; chunk++) {
        const [row]: Array<{ data: Buffer }> = await this.db.query('select data from gateway.import_files where job_id = $1 and chunk = $2', [jobId, chunk]);
        if (!row) break;
        if (!out.write(await openBytes(this.protector, row.data, PROTECTED.gateway.importFile))) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      }
    } finally {
      await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    }
  }

  private async release(job: ImportJobRow): Promise<void> {
    await this.db.query('update gateway.import_jobs set lease_until = now(), updated_at = now() where id = $1 and lease_owner = $2', [job.id, this.owner]);
  }

  private async fail(job: ImportJobRow, code: string, message: string): Promise<void> {
    await this.db.query(
      `update gateway.import_jobs set state = 'failed', error = $2, finished_at = now(), updated_at = now(), lease_owner = null, lease_until = null where id = $1`,
      [job.id, JSON.stringify({ code, message })],
    );
  }
}
