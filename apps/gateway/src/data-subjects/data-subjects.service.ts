import { Inject, Injectable } from '@nestjs/common';
import type { FamilyState } from '@satupintu/contracts';
import { ApiError, DATA_SOURCE } from '@satupintu/platform';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { SCOPE_SQL, type Caller } from '../auth/caller';
import { SUBJECT_REQUEST_PURPOSE } from '../auth/policy';
import { SubmissionsService, type RecordOutcome } from '../submissions/submissions.service';
import { RegistryReadModel, type StoredState } from '../registry/read-model';

const Nik = z.string().regex(/^\d{16}$/, 'nik must be 16 digits');
export const SubjectExportBody = z.strictObject({ nik: Nik });
/** A correction: the person (by NIK), why, and their family's whole corrected record as a submission carries it. */
export const SubjectCorrectionBody = z.strictObject({
  nik: Nik,
  reason: z.string().trim().min(3).max(500),
  family: z.record(z.string(), z.unknown()),
});

/** Most accesses listed in one export (newest first); the count says whether there were more. */
const MAX_ACCESSES = 1000;

/**
 * Data-subject requests (UU 27/2022, the right of access): everything the platform holds on one
 * person, found by NIK, and every access to it from the audit trail. Only a principal granted the
 * purpose "permintaan subjek data" (`data-subject-request`) and stating it may ask; the person must
 * live in the caller's regions (an admin's are the whole country). The export is itself audited.
 */
@Injectable()
export class DataSubjectsService {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(SubmissionsService) private readonly submissions: SubmissionsService,
    @Inject(RegistryReadModel) private readonly readModel: RegistryReadModel,
  ) {}

  async export(body: unknown, caller: Caller) {
    const { nik } = this.parse(SubjectExportBody, body, caller, 'the body must be { "nik": "<16 digits>" }');
    const rows = await this.holdersOf(nik, caller);
    const personIds = rows.map((r) => r.person_id);
    const familyIds = [...new Set(rows.map((r) => r.state.familyId))];

    const persons = rows.map(({ person_id, state }) => ({
      personId: person_id,
      record: state.members.find((m) => m.personId === person_id) ?? null,
      family: { familyId: state.familyId, kk: state.kk, version: state.version, address: state.address, members: state.members.length },
    }));
    const eligibility: Array<Record<string, unknown>> = await this.db.query(
      `select programme_id as "programmeId", programme_version as "programmeVersion", target_unit as "targetUnit", person_id as "personId",
              eligible, criteria, to_char(evaluated_on, 'YYYY-MM-DD') as "evaluatedOn"
         from gateway.eligibility_decisions
        where person_id = any($1::uuid[]) or (person_id is null and family_id = any($2::uuid[]))
        order by programme_id, person_id nulls first`,
      [personIds, familyIds],
    );
    // Where the family's record came from: every submission of it, who sent it, and an import's list when it came from one.
    const submissions: Array<Record<string, unknown>> = await this.db.query(
      `select r.id as "recordId", r.revision, r.status, r.received_at as "receivedAt", r.updated_at as "updatedAt",
              p.label as "submittedBy", p.role as "submitterRole",
              (select jsonb_build_object('list', j.source, 'jobId', j.id, 'fileSha256', j.file_sha256, 'fileName', j.file_name)
                 from gateway.import_rows ir join gateway.import_jobs j on j.id = ir.job_id where ir.record_id = r.id limit 1) as "importedFrom",
              (select s.id from gateway.subject_requests s where s.record_id = r.id limit 1) as "correctionRequestId",
              coalesce((select jsonb_agg(jsonb_build_object('status', e.status, 'revision', e.revision, 'at', e.at) order by e.at)
                 from gateway.submission_events e where e.record_id = r.id), '[]'::jsonb) as trail
         from gateway.submission_records r left join gateway.principals p on p.id = r.submitted_by
        where r.family_id = any($1::uuid[]) order by r.received_at`,
      [familyIds],
    );
    // Corrections the person asked for, and the submission each one led to.
    const corrections: Array<Record<string, unknown>> = await this.db.query(
      `select s.id as "requestId", s.reason, s.record_id as "recordId", s.created_at as "at", p.label as "requestedBy"
         from gateway.subject_requests s left join gateway.principals p on p.id = s.requested_by
        where s.person_id = any($1::uuid[]) order by s.created_at`,
      [personIds],
    );
    const ids = [...personIds, ...familyIds];
    const accessRows: Array<Record<string, unknown>> = await this.db.query(
      `select seq, at, actor_label as "actor", actor_role as "role", action, outcome, purpose, record_type as "recordType"
         from gateway.audit_log where record_ids && $1::text[] order by seq desc limit ${MAX_ACCESSES + 1}`,
      [ids],
    );
    const accesses = accessRows.slice(0, MAX_ACCESSES).map((a) => ({ ...a, seq: Number(a.seq) }));
    const requestId = randomUUID();
    caller.touched(ids);
    caller.detail = { requestId, persons: persons.length, accesses: accesses.length };
    return {
      requestId,
      generatedAt: new Date().toISOString(),
      requestedBy: { label: caller.principal.label, role: caller.principal.role, purpose: caller.purpose },
      persons,
      eligibility,
      submissions,
      corrections,
      accesses,
      accessesTruncated: accessRows.length > MAX_ACCESSES,
      retention: 'Submission files and search requests are purged after the retention period (the `retention` command); the golden record and its history are kept.',
    };
  }

  /**
   * A correction the person asked for (the right to correction): the officer sends the family's
   * corrected record, which goes through the normal submission path (validation, matching) with the
   * request as its provenance, so the registry's history and the person's next export both name it.
   * The record must be the person's current family (same KK) and still hold the person (same NIK).
   */
  async correct(body: unknown, caller: Caller): Promise<{ requestId: string; record: RecordOutcome }> {
    const request = this.parse(SubjectCorrectionBody, body, caller, 'the body must be { "nik": "<16 digits>", "reason": "<3 to 500 characters>", "family": { ... } }');
    const holders = await this.holdersOf(request.nik, caller);
    const family = request.family as { kk?: unknown; members?: unknown };
    const holder = holders.find((h) => h.state.kk === family.kk);
    if (!holder) throw new ApiError(422, 'NOT_THE_SUBJECTS_FAMILY', "the record's KK must be that of the family the person belongs to");
    if (!Array.isArray(family.members) || !family.members.some((m) => (m as { nik?: unknown } | null)?.nik === request.nik)) {
      throw new ApiError(422, 'SUBJECT_NOT_IN_RECORD', 'the corrected record must still hold the person (their NIK among the members)');
    }
    const requestId = randomUUID();
    await this.db.query(
      `insert into gateway.subject_requests (id, kind, person_id, family_id, requested_by, reason) values ($1, 'correction', $2, $3, $4, $5)`,
      [requestId, holder.person_id, holder.state.familyId, caller.principal.id, request.reason],
    );
    const key = `subject-correction-${requestId}`;
    const [record] = await this.submissions.submit({ records: [{ idempotencyKey: key, family: request.family }] }, caller, new Map([[key, { correctionRequestId: requestId }]]));
    if (record.status === 'accepted') await this.db.query('update gateway.subject_requests set record_id = $2 where id = $1', [requestId, record.id]);
    caller.touched([holder.person_id, holder.state.familyId]);
    caller.detail = { requestId, record: record.status };
    return { requestId, record };
  }

  /** The purpose stated, then the body's shape. */
  private parse<T extends z.ZodType>(schema: T, body: unknown, caller: Caller, shape: string): z.infer<T> {
    if (caller.purpose !== SUBJECT_REQUEST_PURPOSE) {
      throw new ApiError(403, 'PURPOSE_REQUIRED', `a data-subject request is made for the purpose ${SUBJECT_REQUEST_PURPOSE} (X-Purpose)`);
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new ApiError(400, 'INVALID_REQUEST', shape, parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
    return parsed.data;
  }

  /** The registry's persons with this NIK in the caller's regions, with their families; 404 when none. */
  private async holdersOf(nik: string, caller: Caller): Promise<Array<{ person_id: string; state: FamilyState }>> {
    const rows: Array<{ person_id: string; state: StoredState; identity: string | null }> = await this.db.query(
      `select m.person_id, f.state, f.identity from gateway.registry_members m join gateway.registry_families f on f.family_id = m.family_id
        where m.nik_index = $1 and f.state is not null and ${SCOPE_SQL('f.village_code', '$2')} order by f.family_id`,
      [this.readModel.index('nik', nik), caller.scopeRegions()],
    );
    if (rows.length === 0) throw new ApiError(404, 'PERSON_NOT_FOUND', 'no person with this NIK in your regions');
    return Promise.all(rows.map(async (r) => ({ person_id: r.person_id, state: await this.readModel.fromRow(r.state, r.identity) })));
  }
}
