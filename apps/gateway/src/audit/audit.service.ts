import { Inject, Injectable } from '@nestjs/common';
import { ApiError, DATA_SOURCE } from '@satupintu/platform';
import { currentCorrelationId } from '@satupintu/observability';
import type { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';
import type { Principal } from '../auth/caller';

export interface AuditEntry {
  actor: Principal | null;
  action: string;
  outcome: 'ok' | 'denied' | 'not-found' | 'invalid' | 'error';
  status: number;
  recordType?: string | null;
  recordIds?: string[];
  region?: string | null;
  purpose?: string | null;
  ip?: string | null;
  /** Non-personal facts only (counts, codes, changed field names). */
  detail?: Record<string, unknown>;
}

const PAGE = 200;
const UUID = z.uuid();

export const AuditQuery = z.strictObject({
  actor: UUID.optional(),
  record: z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/).optional(),
  action: z.string().regex(/^[a-z.-]{1,64}$/).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  after: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
});

/**
 * The append-only audit trail: who did what to which records, when, from where and for which
 * purpose. Entries are hash-chained by the database (see the access migration); the table refuses
 * updates, deletes and truncates.
 */
@Injectable()
export class AuditService {
  constructor(@Inject(DATA_SOURCE) private readonly db: DataSource) {}

  async write(e: AuditEntry, m: EntityManager | DataSource = this.db): Promise<void> {
    await m.query(
      `insert into gateway.audit_log (actor_id, actor_label, actor_role, action, outcome, status, record_type, record_ids, region, purpose, ip, correlation_id, detail)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [
        e.actor?.id ?? null, e.actor?.label ?? null, e.actor?.role ?? null, e.action, e.outcome, e.status, e.recordType ?? null,
        [...new Set(e.recordIds ?? [])].slice(0, 1000), e.region ?? null, e.purpose ?? null, e.ip ?? null, currentCorrelationId() ?? null,
        JSON.stringify(e.detail ?? {}),
      ],
    );
  }

  /** Entries, newest last, filtered by actor, record id, action and time; pages by `after` (a seq). */
  async query(raw: Record<string, unknown>) {
    const parsed = AuditQuery.safeParse(raw);
    if (!parsed.success) throw new ApiError(400, 'INVALID_QUERY', 'the audit query is not valid', parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
    const q = parsed.data;
    const rows: Array<Record<string, unknown> & { seq: string }> = await this.db.query(
      `select seq, at, actor_id, actor_label, actor_role, action, outcome, status, record_type, record_ids, region, purpose, ip, correlation_id, detail, hash
         from gateway.audit_log
        where ($1::uuid is null or actor_id = $1) and ($2::text is null or record_ids @> array[$2::text])
          and ($3::text is null or action = $3) and ($4::timestamptz is null or at >= $4) and ($5::timestamptz is null or at < $5)
          and seq > $6
        order by seq limit ${PAGE}`,
      [q.actor ?? null, q.record ?? null, q.action ?? null, q.from ?? null, q.to ?? null, q.after ?? 0],
    );
    return {
      entries: rows.map((r) => ({
        seq: Number(r.seq), at: r.at, actor: r.actor_id ? { id: r.actor_id, label: r.actor_label, role: r.actor_role } : null,
        action: r.action, outcome: r.outcome, status: r.status, recordType: r.record_type, recordIds: r.record_ids, region: r.region,
        purpose: r.purpose, ip: r.ip, correlationId: r.correlation_id, detail: r.detail, hash: r.hash,
      })),
      next: rows.length === PAGE ? Number(rows[rows.length - 1].seq) : null,
    };
  }

  /** Recomputes the hash chain: the first entry whose content or link does not match, if any. */
  async verify() {
    const [r]: Array<{ entries: string; first_broken: string | null }> = await this.db.query(
      `select count(*)::text as entries, min(seq) filter (where broken)::text as first_broken from (
         select seq, (hash <> gateway.audit_entry_hash(a) or prev_hash <> coalesce(lag(hash) over (order by seq), '')) as broken
           from gateway.audit_log a) t`,
    );
    return { entries: Number(r.entries), intact: r.first_broken === null, firstBrokenSeq: r.first_broken === null ? null : Number(r.first_broken) };
  }
}
