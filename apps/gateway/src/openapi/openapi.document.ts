import { AGENCY_EVENT_TYPES, FamilyRecord, GRANTABLE_FIELDS, LIMITS, SubmissionRecordEnvelope, ValidationIssue } from '@satupintu/contracts';
import { THEMES } from '@satupintu/domain';
import { z } from 'zod';
import { KeyBody, PrincipalBody, PrincipalPatch, RotateBody, TokenBody } from '../auth/principals.service';
import { PURPOSES } from '../auth/policy';
import { SubjectCorrectionBody, SubjectExportBody } from '../data-subjects/data-subjects.service';
import { CampaignBody, TargetsBody } from '../indicators/campaigns.service';

const schema = (s: z.ZodType) => z.toJSONSchema(s, { target: 'draft-2020-12', unrepresentable: 'any' });

const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional(), errorId: z.string().optional() }),
});

/**
 * The gateway's OpenAPI 3.1 document. The family schema is generated from the same zod schema the
 * validation service checks against, so the published contract cannot drift from the enforced one.
 */
/** The `{id}` path parameter of every resource addressed by id. */
const ID_PARAMETER = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } } as const;
const REGION_PARAMETER = { name: 'code', in: 'path', required: true, schema: { type: 'string', examples: ['ID', '31', '31.71', '31.71.01', '31.71.01.1001'] } } as const;
const CAMPAIGN_PARAMETER = { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,39}$' } } as const;
const FORMAT_PARAMETER = { name: 'format', in: 'query', schema: { type: 'string', enum: ['json', 'csv'], default: 'json' } } as const;
/** `detail=true`: the counts without small-cell suppression, for a role granted aggregate:detail; audited. */
const DETAIL_PARAMETER = { name: 'detail', in: 'query', required: false, schema: { type: 'string', enum: ['true', 'false'] } } as const;

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
const PRINCIPAL_PARAMETER = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } } as const;
const KEY_PARAMETER = { name: 'keyId', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9a-f]{16}$' } } as const;
const jsonBody = (s: z.ZodType) => ({ required: true, content: { 'application/json': { schema: schema(s) } } });

/** Paths anyone may call; every other operation needs a bearer credential. */
const PUBLIC_PATHS = new Set(['/dashboard', '/v1/openapi.json', '/.well-known/jwks.json']);

export function openApiDocument() {
  const doc = {
    openapi: '3.1.0',
    info: {
      title: 'SatuPintu gateway',
      version: '1.0.0',
      description:
        'Intake of family data for the one-door family data platform. Unknown fields are rejected (UNKNOWN_FIELD), never stored. ' +
        'Validation rules and their codes: docs/validation-rules.md.',
    },
    components: {
      schemas: {
        FamilyRecord: schema(FamilyRecord),
        SubmissionRecord: { ...schema(SubmissionRecordEnvelope), properties: { ...schema(SubmissionRecordEnvelope).properties, family: { $ref: '#/components/schemas/FamilyRecord' } } },
        ValidationIssue: schema(ValidationIssue),
        Error: schema(ErrorBody),
      },
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key (spk_<key id>_<secret>, for systems) or a signed token (for cadre and staff apps). Roles, regions and purposes: docs/security.md.',
        },
      },
      parameters: {
        Purpose: { name: 'X-Purpose', in: 'header', schema: { type: 'string', enum: [...PURPOSES] }, description: 'The purpose of processing (one granted to the caller; default: its first)' },
      },
    },
    security: [{ bearer: [] }],
    paths: {
      '/v1/submissions': {
        get: {
          summary: "A region's records, newest first (a cadre: its own), by status and rule, each rejected one with every rule's message; CSV (one line per rule) to fix and resend",
          parameters: [
            { name: 'region', in: 'query', required: false, schema: { type: 'string' } },
            { name: 'status', in: 'query', required: false, schema: { type: 'string', enum: ['received', 'validated', 'rejected', 'registered'] } },
            { name: 'rule', in: 'query', required: false, schema: { type: 'string' }, description: 'a rule code (docs/validation-rules.md)' },
            { name: 'after', in: 'query', required: false, schema: { type: 'string' }, description: 'the `next` of the previous page' },
            { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 5000 } },
            { name: 'format', in: 'query', required: false, schema: { type: 'string', enum: ['json', 'csv'] } },
          ],
          responses: { '200': { description: 'records and the cursor of the next page, or text/csv' }, '400': { description: 'INVALID_QUERY' } },
        },
        post: {
          summary: `Submit a batch of 1 to ${LIMITS.recordsPerBatch} family records`,
          description:
            'Each record is accepted or refused on its own. The idempotency key identifies the record among the records of the ' +
            'principal whose credential submits it (an API key or token of one principal: its keys are its own, another principal ' +
            'may use the same key for another record): the same key with the same content is a no-op (status unchanged); with new ' +
            'content it becomes a new revision.',
          parameters: [
            { name: 'x-correlation-id', in: 'header', required: false, schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,64}$' } },
          ],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['records'],
                  additionalProperties: false,
                  properties: { records: { type: 'array', minItems: 1, maxItems: LIMITS.recordsPerBatch, items: { $ref: '#/components/schemas/SubmissionRecord' } } },
                },
              },
            },
          },
          responses: {
            '202': { description: 'One outcome per record, in order: accepted | unchanged (with id and revision) or invalid (with errors)' },
            '400': { description: 'The body is not a batch', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
            '413': { description: 'The body is over 5 MB', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
          },
        },
      },
      '/v1/submissions/summary': {
        get: {
          summary: "A region's records by status, and the rejected ones by rule (a cadre: its own)",
          parameters: [{ name: 'region', in: 'query', required: false, schema: { type: 'string' } }],
          responses: { '200': { description: 'byStatus, rejectedByRule' }, '400': { description: 'INVALID_QUERY' } },
        },
      },
      '/v1/submissions/{id}': {
        get: {
          summary: "A record's status trail: received, validated (with warnings) or rejected (with every failing rule), registered",
          parameters: [ID_PARAMETER],
          responses: { '200': { description: 'The status and its trail' }, '404': { description: 'Unknown id' } },
        },
      },
      '/v1/imports': {
        post: {
          summary: "Import an agency's list (CSV or XLSX): a durable, resumable job whose families go through validation and matching as submissions",
          description:
            'The body is the file itself. CSV separators (, ; tab), a BOM and the encoding (UTF-8 or Windows-1252) are detected; XLSX is read from ' +
            'its first sheet or the one named. Columns are mapped by a preset (dtks, kjp, posyandu), by field=COLUMN pairs, or recognised from the ' +
            'usual Indonesian names; a required field without a column is refused before the job is made. Rows sharing a KK become one family ' +
            'record, keyed by the list name and the KK (imp.<list>.kk.<KK>): the same file again is the same job (200), a corrected file submits ' +
            'only the families that changed. A dry run reads, maps and validates without submitting.',
          parameters: [
            { name: 'source', in: 'query', required: true, schema: { type: 'string', maxLength: 100 }, description: "The list's name: provenance and the scope of its records' keys" },
            { name: 'preset', in: 'query', required: false, schema: { type: 'string', enum: ['dtks', 'kjp', 'posyandu'] } },
            { name: 'mapping', in: 'query', required: false, schema: { type: 'string' }, description: 'field=COLUMN,... (nik, kk, name, sex, birthDate, birthPlace, relationship, street, rt, rw, rtRw, villageCode, villageName, districtName)' },
            { name: 'encoding', in: 'query', required: false, schema: { type: 'string', enum: ['utf-8', 'windows-1252', 'latin-1'] } },
            { name: 'sheet', in: 'query', required: false, schema: { type: 'string' } },
            { name: 'fileName', in: 'query', required: false, schema: { type: 'string' } },
            { name: 'dryRun', in: 'query', required: false, schema: { type: 'string', enum: ['true', 'false'] } },
          ],
          requestBody: { required: true, content: { 'text/csv': { schema: { type: 'string', format: 'binary' } }, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: { type: 'string', format: 'binary' } }, 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
          responses: {
            '202': { description: 'The job, queued' },
            '200': { description: 'The job that already imported this file under this list name' },
            '400': { description: 'The file or mapping refused: EMPTY_FILE, NOT_A_TABLE, WRONG_ENCODING, NO_SUCH_SHEET, BAD_HEADER, UNKNOWN_PRESET, BAD_MAPPING, MISSING_COLUMN, UNMAPPED_FIELD' },
            '413': { description: 'FILE_TOO_LARGE' },
            '415': { description: 'A JSON body instead of the file' },
          },
        },
      },
      '/v1/imports/{id}': {
        get: {
          summary: "An import job: its state, how the file was read, rows by outcome, findings by code, and the registry's status of its records",
          parameters: [ID_PARAMETER],
          responses: { '200': { description: 'The job' }, '404': { description: 'Unknown id, or another principal\'s job (IMPORT_NOT_FOUND)' } },
        },
      },
      '/v1/imports/{id}/summary': {
        get: {
          summary: 'Per regency/city: rows, new persons, persons found in the registry (NIK, family, automatic merge), sent to review, rejected, waiting; a dry run\'s would-submit and would-refuse',
          parameters: [ID_PARAMETER],
          responses: { '200': { description: 'Counts per regency/city' }, '404': { description: 'IMPORT_NOT_FOUND' } },
        },
      },
      '/v1/imports/{id}/rows': {
        get: {
          summary: 'The per-row report: outcome, record, registry status and family, every finding and every rule the family was rejected by (Indonesian and English)',
          parameters: [ID_PARAMETER, { name: 'format', in: 'query', schema: { type: 'string', enum: ['json', 'csv', 'xlsx'] } }, { name: 'after', in: 'query', schema: { type: 'integer' } }, { name: 'limit', in: 'query', schema: { type: 'integer', maximum: 5000 } }],
          responses: { '200': { description: 'Rows (JSON pages with next, or the whole report as CSV or XLSX)' }, '404': { description: 'IMPORT_NOT_FOUND' } },
        },
      },
      '/v1/regions/{code}/counts': {
        get: {
          summary: 'Families and persons registered in a region and its child regions',
          parameters: [{ name: 'code', in: 'path', required: true, schema: { type: 'string', examples: ['31', '31.01', '31.01.01', '31.01.01.1001'] } }],
          responses: { '200': { description: 'Counts' }, '404': { description: 'Unknown region' } },
        },
      },
      '/v1/persons/{id}/eligibility': {
        get: {
          summary: "A person's eligibility decisions (their own programmes and their family's), each criterion with the value seen, whether it passed and its description",
          parameters: [ID_PARAMETER],
          responses: { '200': { description: 'Decisions with explanations' }, '404': { description: 'No decisions for this person (PERSON_NOT_FOUND)' } },
        },
      },
      '/v1/families/{id}/eligibility': {
        get: {
          summary: "A family's eligibility decisions: its own programmes and every member's, with explanations",
          parameters: [ID_PARAMETER],
          responses: { '200': { description: 'Decisions with explanations' }, '404': { description: 'No decisions for this family (FAMILY_NOT_FOUND)' } },
        },
      },
      '/v1/regions/{code}/eligibility': {
        get: {
          summary: 'Eligible and not eligible subjects (persons or families) per programme in a region and each of its child regions',
          parameters: [
            { name: 'code', in: 'path', required: true, schema: { type: 'string', examples: ['ID', '31', '31.71', '31.71.01', '31.71.01.1001'] } },
            { name: 'programme', in: 'query', required: false, schema: { type: 'string', pattern: '^[a-z0-9-]{2,40}$' } },
            DETAIL_PARAMETER,
          ],
          responses: {
            '200': { description: 'Counts per programme; a small count (below SMALL_CELL_MIN, or what would give one away) is `eligible: null, notEligible: null, suppressed: true`' },
            '400': { description: 'Malformed programme id or detail (INVALID_QUERY)' },
            '403': { description: 'detail=true without aggregate:detail (FORBIDDEN)' },
            '404': { description: 'Unknown region (REGION_NOT_FOUND) or programme (PROGRAMME_NOT_FOUND)' },
          },
        },
      },
      '/v1/review-tasks': {
        get: {
          summary: 'Duplicate review tasks (oldest first, 100 a page) of a region and everything under it',
          parameters: [
            { name: 'region', in: 'query', required: false, schema: { type: 'string', examples: ['ID', '31.71', '31.71.01.1001'] } },
            { name: 'status', in: 'query', required: false, schema: { type: 'string', enum: ['open', 'same', 'different', 'withdrawn'], default: 'open' } },
            { name: 'after', in: 'query', required: false, schema: { type: 'string', format: 'date-time' }, description: 'the `next` of the previous page' },
            { name: 'reason', in: 'query', required: false, schema: { type: 'string', enum: ['probable-match', 'nik-conflict'] } },
          ],
          responses: { '200': { description: 'Tasks and the cursor of the next page' }, '400': { description: 'INVALID_QUERY' }, '404': { description: 'Unknown region (REGION_NOT_FOUND)' } },
        },
      },
      '/v1/review-tasks/summary': {
        get: {
          summary: 'The review desk: open tasks (and the oldest), tasks decided today (Asia/Jakarta), by reviewer',
          parameters: [{ name: 'region', in: 'query', required: false, schema: { type: 'string' } }],
          responses: { '200': { description: 'open, oldestOpenedAt, decidedToday, byReviewer' }, '400': { description: 'INVALID_QUERY' } },
        },
      },
      '/v1/review-tasks/{id}': {
        get: {
          summary: 'One review task: the two persons side by side, field by field, and the match score broken down by comparison (level and weight)',
          parameters: [ID_PARAMETER],
          responses: { '200': { description: 'The task' }, '404': { description: 'TASK_NOT_FOUND' } },
        },
      },
      '/v1/review-tasks/{id}/decision': {
        post: {
          summary: 'Decide a review task: same (the two are merged, the older record surviving) or different',
          parameters: [ID_PARAMETER],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['decision', 'reviewer'],
                  properties: { decision: { enum: ['same', 'different'] }, reviewer: { type: 'string', maxLength: 100 }, note: { type: 'string', maxLength: 1000 } },
                },
              },
            },
          },
          responses: { '202': { description: 'Accepted; carried out by the dedup service' }, '400': { description: 'INVALID_REQUEST' }, '404': { description: 'TASK_NOT_FOUND' }, '409': { description: 'TASK_NOT_OPEN or DECISION_PENDING' } },
        },
      },
      '/v1/merges/{id}': {
        get: {
          summary: 'One merge: who survived, who was merged, who decided, the score, and whether it was undone',
          parameters: [ID_PARAMETER],
          responses: { '200': { description: 'The merge' }, '404': { description: 'MERGE_NOT_FOUND' } },
        },
      },
      '/v1/merges/{id}/unmerge': {
        post: {
          summary: 'Undo a merge: both persons come back with their own values, histories and families',
          parameters: [ID_PARAMETER],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: { type: 'object', additionalProperties: false, required: ['reviewer', 'reason'], properties: { reviewer: { type: 'string', maxLength: 100 }, reason: { type: 'string', maxLength: 1000 } } },
              },
            },
          },
          responses: { '202': { description: 'Accepted; carried out by the dedup service' }, '400': { description: 'INVALID_REQUEST' }, '404': { description: 'MERGE_NOT_FOUND' }, '409': { description: 'ALREADY_UNMERGED or UNMERGE_PENDING' } },
        },
      },
      '/v1/indicators': {
        get: { summary: 'The indicator catalogue: 13 themes, each indicator with labels (id, en), unit, numerator and denominator', responses: { '200': { description: 'Themes and indicators' } } },
      },
      '/v1/regions/{code}/indicators': {
        get: {
          summary: "A region's indicators and its child regions', for one theme or all, now or at the end of a past day; JSON or CSV",
          parameters: [
            REGION_PARAMETER,
            { name: 'theme', in: 'query', schema: { type: 'string', enum: [...THEMES] } },
            { name: 'at', in: 'query', schema: { type: 'string', format: 'date' } },
            FORMAT_PARAMETER,
            DETAIL_PARAMETER,
          ],
          responses: {
            '200': { description: 'Indicators (numerator, denominator, value) of the region and each child region; small counts of sensitive indicators suppressed' },
            '400': { description: 'INVALID_QUERY' },
            '403': { description: 'detail=true without aggregate:detail (FORBIDDEN)' },
            '404': { description: 'REGION_NOT_FOUND' },
          },
        },
      },
      '/v1/campaigns': { get: { summary: 'Collection campaigns', responses: { '200': { description: 'Campaigns, newest first' } } } },
      '/v1/campaigns/{id}': {
        put: {
          summary: "Define or change a collection campaign's window (families registered or updated in it count towards its targets)",
          parameters: [CAMPAIGN_PARAMETER],
          requestBody: { required: true, content: { 'application/json': { schema: schema(CampaignBody) } } },
          responses: { '200': { description: 'The campaign (revision grows with each change)' }, '400': { description: 'INVALID_REQUEST' } },
        },
      },
      '/v1/campaigns/{id}/targets': {
        put: {
          summary: "Replace a campaign's targets (families per region; a region without one sums its children's). The CLI loads them from CSV",
          parameters: [CAMPAIGN_PARAMETER],
          requestBody: { required: true, content: { 'application/json': { schema: schema(TargetsBody) } } },
          responses: { '200': { description: 'Targets stored' }, '400': { description: 'INVALID_REQUEST' }, '404': { description: 'CAMPAIGN_NOT_FOUND' } },
        },
      },
      '/v1/campaigns/{id}/progress': {
        get: {
          summary: 'Progress of a campaign in a region: target, families registered in the window, coverage, daily series, child regions ranked, villages furthest behind; JSON or CSV (the ranking)',
          parameters: [CAMPAIGN_PARAMETER, { name: 'region', in: 'query', schema: { type: 'string', default: 'ID' } }, FORMAT_PARAMETER],
          responses: { '200': { description: 'Progress' }, '400': { description: 'INVALID_QUERY' }, '404': { description: 'CAMPAIGN_NOT_FOUND or REGION_NOT_FOUND' } },
        },
      },
      '/v1/persons': {
        get: {
          summary: 'Search persons by NIK, inside the caller\'s regions (supervisor, admin; audited)',
          parameters: [{ name: 'nik', in: 'query', required: true, schema: { type: 'string', pattern: '^\\d{16}$' } }],
          responses: { '200': { description: 'Persons with this NIK in the caller\'s regions (empty when none)' }, '400': errorResponse('INVALID_QUERY') },
        },
      },
      '/v1/families': {
        get: {
          summary: 'Search families by KK number, inside the caller\'s regions (supervisor, admin; audited)',
          parameters: [{ name: 'kk', in: 'query', required: true, schema: { type: 'string', pattern: '^\\d{16}$' } }],
          responses: { '200': { description: 'Families with this KK in the caller\'s regions (empty when none)' }, '400': errorResponse('INVALID_QUERY') },
        },
      },
      '/v1/families/{id}': {
        get: { summary: 'A family\'s registry record (supervisor, admin; audited)', parameters: [ID_PARAMETER], responses: { '200': { description: 'The family state' }, '404': errorResponse('FAMILY_NOT_FOUND (also outside the caller\'s regions)') } },
      },
      '/v1/data-subject-requests/export': {
        post: {
          summary: 'Data-subject request (UU 27/2022, right of access): everything held on the person with this NIK (record, family, eligibility decisions, submissions and their sources) and every access to it from the audit trail. Supervisor or admin granted the purpose data-subject-request and stating it in X-Purpose; inside the caller\'s regions; audited',
          requestBody: jsonBody(SubjectExportBody),
          responses: { '200': { description: 'The export (JSON)' }, '400': errorResponse('INVALID_REQUEST'), '403': errorResponse('PURPOSE_REQUIRED'), '404': errorResponse('PERSON_NOT_FOUND (also outside the caller\'s regions)') },
        },
      },
      '/v1/data-subject-requests/correction': {
        post: {
          summary: 'Data-subject request (UU 27/2022, right to correction): the corrected record of the family of the person with this NIK, sent through the normal submission path (validation, matching) with the request as its provenance; the registry\'s history and the person\'s export name it. Same callers and purpose as the export; audited',
          requestBody: jsonBody(SubjectCorrectionBody),
          responses: {
            '202': { description: '{ requestId, record }: the request and the submission\'s outcome (accepted with its id, or invalid with its errors)' },
            '400': errorResponse('INVALID_REQUEST'),
            '403': errorResponse('PURPOSE_REQUIRED'),
            '404': errorResponse('PERSON_NOT_FOUND (also outside the caller\'s regions)'),
            '422': errorResponse('NOT_THE_SUBJECTS_FAMILY or SUBJECT_NOT_IN_RECORD'),
          },
        },
      },
      '/v1/me': { get: { summary: 'The caller: principal, role, regions, purposes', responses: { '200': { description: 'The principal' } } } },
      '/v1/admin/principals': {
        get: { summary: 'Principals (admin)', parameters: [{ name: 'after', in: 'query', schema: { type: 'string' } }], responses: { '200': { description: 'A page of principals' } } },
        post: { summary: 'Create a principal (admin; regions inside the admin\'s own)', requestBody: jsonBody(PrincipalBody), responses: { '201': { description: 'The principal' }, '400': errorResponse('INVALID_REQUEST or INVALID_SCOPE'), '409': errorResponse('LABEL_TAKEN') } },
      },
      '/v1/admin/principals/{id}': {
        get: { summary: 'A principal and its API keys (never the keys themselves)', parameters: [PRINCIPAL_PARAMETER], responses: { '200': { description: 'The principal' }, '404': errorResponse('PRINCIPAL_NOT_FOUND') } },
        patch: { summary: 'Change role, regions, purposes, or disable (a new version, audited)', parameters: [PRINCIPAL_PARAMETER], requestBody: jsonBody(PrincipalPatch), responses: { '200': { description: 'The principal' }, '404': errorResponse('PRINCIPAL_NOT_FOUND') } },
      },
      '/v1/admin/principals/{id}/api-keys': {
        post: { summary: 'A new API key (returned once; only its hash is kept)', parameters: [PRINCIPAL_PARAMETER], requestBody: jsonBody(KeyBody), responses: { '201': { description: 'keyId and key' } } },
      },
      '/v1/admin/principals/{id}/tokens': {
        post: { summary: 'Issue a signed token for a user\'s app', parameters: [PRINCIPAL_PARAMETER], requestBody: jsonBody(TokenBody), responses: { '201': { description: 'token and expiresAt' } } },
      },
      '/v1/admin/principals/{id}/tokens/revoke': {
        post: { summary: 'Revoke every token issued to the principal so far', parameters: [PRINCIPAL_PARAMETER], responses: { '200': { description: 'Revoked' } } },
      },
      '/v1/admin/api-keys/{keyId}/rotate': {
        post: { summary: 'A new key for the same principal; the old one stays valid for graceSeconds', parameters: [KEY_PARAMETER], requestBody: jsonBody(RotateBody), responses: { '201': { description: 'The new key' }, '404': errorResponse('KEY_NOT_FOUND') } },
      },
      '/v1/admin/api-keys/{keyId}/revoke': {
        post: { summary: 'Revoke an API key', parameters: [KEY_PARAMETER], responses: { '200': { description: 'Revoked' }, '404': errorResponse('KEY_NOT_FOUND') } },
      },
      '/v1/admin/audit': {
        get: {
          summary: 'The audit trail of personal-data access (admin)',
          parameters: ['actor', 'record', 'action', 'from', 'to', 'after'].map((name) => ({ name, in: 'query', schema: { type: 'string' } })),
          responses: { '200': { description: 'Entries, oldest first, and `next`' }, '400': errorResponse('INVALID_QUERY') },
        },
      },
      '/v1/admin/audit/verify': { get: { summary: 'Recompute the audit trail\'s hash chain', responses: { '200': { description: 'entries, intact, firstBrokenSeq' } } } },
      '/v1/admin/agencies': { get: { summary: 'Every agency grant in force (admin; docs/subscriptions.md)', responses: { '200': { description: 'grants' } } } },
      '/v1/admin/agencies/{agencyId}/grant': {
        get: { summary: "The agency's grant in force", parameters: [{ name: 'agencyId', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{1,39}$' } }], responses: { '200': { description: 'AgencyGrant' }, '404': errorResponse('AGENCY_NOT_FOUND') } },
        put: {
          summary: 'A new version of the grant: event types, fields, regions, purpose, webhook (the secret is returned once)',
          parameters: [{ name: 'agencyId', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{1,39}$' } }],
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['eventTypes', 'fields', 'regions', 'purpose'], properties: { eventTypes: { type: 'array', items: { type: 'string', enum: [...AGENCY_EVENT_TYPES] } }, fields: { type: 'array', items: { type: 'string', enum: [...GRANTABLE_FIELDS] } }, regions: { type: 'array', items: { type: 'string' } }, purpose: { type: 'string' }, webhook: { type: ['object', 'null'], properties: { url: { type: 'string', format: 'uri' } } }, rotateWebhookSecret: { type: 'boolean' } } } } } },
          responses: { '200': { description: 'AgencyGrant (+ webhookSecret when new)' }, '400': errorResponse('INVALID_REQUEST'), '409': errorResponse('WEBHOOKS_DISABLED') },
        },
        delete: { summary: 'Revoke the grant (a new, revoked version)', parameters: [{ name: 'agencyId', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{1,39}$' } }], responses: { '200': { description: 'AgencyGrant' }, '404': errorResponse('AGENCY_NOT_FOUND') } },
      },
      '/v1/admin/agencies/{agencyId}/grant/versions': { get: { summary: 'Every version of the grant', parameters: [{ name: 'agencyId', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{1,39}$' } }], responses: { '200': { description: 'versions' }, '404': errorResponse('AGENCY_NOT_FOUND') } } },
      '/v1/admin/agencies/{agencyId}/webhook': { get: { summary: 'Webhook delivery state: pending, delivered, dead letters', parameters: [{ name: 'agencyId', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{1,39}$' } }], responses: { '200': { description: 'delivery state' }, '404': errorResponse('AGENCY_NOT_FOUND') } } },
      '/v1/admin/agencies/{agencyId}/webhook/redeliver': {
        post: { summary: 'Send dead-lettered deliveries again (all, or `deliveryIds`)', parameters: [{ name: 'agencyId', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{1,39}$' } }], responses: { '202': { description: 'commandId' }, '404': errorResponse('AGENCY_NOT_FOUND') } },
      },
      '/v1/subscription': { get: { summary: "An agency system's own grant and webhook delivery state", responses: { '200': { description: 'grant (null before one is made), delivery' }, '404': errorResponse('AGENCY_NOT_FOUND') } } },
      '/registry/sync/search': {
        post: {
          summary: 'DCI (SPDCI Social Registry API v1.0.0) synchronous search: a signed envelope in, a signed on-search envelope out, cut to the agency grant (docs/dci.md; schemas in the SPDCI specification)',
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['header', 'message'], properties: { signature: { type: 'string' }, header: { type: 'object' }, message: { type: 'object' } } } } } },
          responses: { '200': { description: 'on-search envelope (header.status succ, or rjct with a reason code)' }, '400': { description: '{ errors: [{ code: err.request.bad | err.receiver_id.invalid | err.encryption.invalid }] }' } },
        },
      },
      '/registry/search': { post: { summary: 'DCI asynchronous search: ACK at once, the signed answer sent to the sender at {callback base}/registry/on-search (docs/dci.md)', responses: { '200': { description: 'Response { message: { ack_status, timestamp, correlation_id } }' } } } },
      '/registry/subscribe': { post: { summary: 'DCI subscribe to registry events in the granted regions: ACK, confirmed at on-subscribe, notifications at {callback base}/registry/notify', responses: { '200': { description: 'Response (ACK / ERR)' } } } },
      '/registry/unsubscribe': { post: { summary: 'DCI unsubscribe by subscription code: ACK, confirmed at on-unsubscribe', responses: { '200': { description: 'Response (ACK / ERR)' } } } },
      '/registry/txn/status': { post: { summary: 'DCI transaction status, answered at txn/on-status', responses: { '200': { description: 'Response (ACK / ERR)' } } } },
      '/registry/sync/txn/status': { post: { summary: 'DCI transaction status, answered at once', responses: { '200': { description: 'txn-on-status envelope' } } } },
      '/v1/admin/dci/callbacks': { get: { summary: 'DCI callbacks per sender (pending, delivered, dead) and the dead letters', parameters: [{ name: 'sender', in: 'query', required: false, schema: { type: 'string' } }], responses: { '200': { description: 'queue state' } } } },
      '/v1/admin/dci/senders/{senderId}/callbacks/redeliver': { post: { summary: "Send a sender's dead callbacks again (all, or `seqs`)", parameters: [{ name: 'senderId', in: 'path', required: true, schema: { type: 'string' } }], responses: { '202': { description: 'redelivering' }, '404': errorResponse('NOT_FOUND') } } },
      '/.well-known/jwks.json': { get: { summary: "The platform's DCI signing keys (JWKS, Ed25519)", responses: { '200': { description: 'JWKS' } } } },
      '/v1/admin/dci/senders': { get: { summary: 'DCI senders and their key ids', responses: { '200': { description: 'senders' } } } },
      '/v1/admin/dci/senders/{senderId}': {
        put: { summary: "Register a DCI sender for an agency: its public keys (Ed25519 or RSA, PEM) and callback base URL", parameters: [{ name: 'senderId', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{3,100}$' } }], responses: { '200': { description: 'sender' }, '400': errorResponse('INVALID_KEY, INVALID_CALLBACK_URL, INVALID_BODY') } },
      },
      '/dashboard': { get: { summary: 'The family dashboard (HTML page; Indonesian, English switch)', responses: { '200': { description: 'HTML' } } } },
      '/v1/openapi.json': { get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1' } } } },
    } as Record<string, Record<string, Record<string, unknown>>>,
  };
  // Every operation: public ones need no credential; the others may answer 401, 403 and 429, and take X-Purpose.
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const op of Object.values(operations)) {
      const responses = op.responses as Record<string, unknown>;
      responses['429'] = errorResponse('RATE_LIMITED (Retry-After)');
      responses['503'] = errorResponse('UNAVAILABLE: a dependency (PostgreSQL, Redis, Kafka) is unavailable; OVERLOADED: the gateway is at capacity. Either way retry after Retry-After seconds, with the same idempotency keys');
      if (PUBLIC_PATHS.has(path)) {
        op.security = [];
        continue;
      }
      op.parameters = [...((op.parameters as unknown[] | undefined) ?? []), { $ref: '#/components/parameters/Purpose' }];
      responses['401'] = errorResponse('UNAUTHENTICATED or INVALID_CREDENTIALS');
      responses['403'] = errorResponse('FORBIDDEN (role), OUT_OF_SCOPE (region) or PURPOSE_NOT_ALLOWED');
    }
  }
  return doc;
}
