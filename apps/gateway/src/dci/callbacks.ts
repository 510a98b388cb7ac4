import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { describeError } from '@satupintu/kafka';
import type { Logger } from '@satupintu/observability';
import { returnedRows } from '@satupintu/persistence';
import { ApiError, DATA_SOURCE, LOGGER, PeriodicTask } from '@satupintu/platform';
import { openJsonColumn, PROTECTED, PROTECTOR, sealJsonColumn, type Protector } from '@satupintu/protection';
import type { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';
import { AuditService } from '../audit/audit.service';
import { ACCESS_SETTINGS, type AccessSettings } from '../config/access.config';
import { parseBody } from '../http/params';
import { DciSigner } from './signer';

/** The callbacks the platform sends to a sender, and the path under its base URL each goes to. */
export const CALLBACK_PATHS = {
  'on-search': '/registry/on-search',
  'on-subscribe': '/registry/on-subscribe',
  'on-unsubscribe': '/registry/on-unsubscribe',
  'txn/on-status': '/registry/txn/on-status',
  notify: '/registry/notify',
} as const;
export type CallbackKind = keyof typeof CALLBACK_PATHS;

export interface Callback {
  senderId: string;
  kind: CallbackKind;
  /** Where it goes: the sender's base URL + the kind's path, or the sender_uri it gave (under its base URL). */
  url: string;
  header: Record<string, unknown>;
  message: unknown;
  /** Families or persons whose data it carries (for the audit entry when it is delivered). */
  recordIds?: string[];
  /** A notification: queued once per subscription and registry event. */
  notify?: { subscriptionCode: string; familyId: string; familyVersion: number };
}

interface DeliveryRow {
  seq: string;
  sender_id: string;
  kind: CallbackKind;
  url: string;
  header: Record<string, unknown>;
  message: unknown;
  record_ids: string[];
  attempts: number;
  agency_id: string | null;
}

const Redeliver = z.strictObject({ seqs: z.array(z.coerce.number().int().min(1)).min(1).max(1000).optional() });

/**
 * The callbacks to DCI senders as a queue in PostgreSQL: queued in the transaction of what causes
 * them (an accepted request, a registry event), delivered by every gateway instance (a lease per
 * delivery), in order per sender (a delivery waits for the sender's older ones to be delivered or
 * dead), signed when sent, retried with exponential backoff, dead after DCI_CALLBACK_MAX_ATTEMPTS
 * (visible to the admin, who can send them again). Redirects are not followed: a callback goes
 * only where the sender was registered. What a delivered callback carried is dropped from the
 * queue; each delivery of personal data is audited.
 */
@Injectable()
export class DciCallbacks implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly loop = new PeriodicTask(() => this.deliverDue());

  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(DciSigner) private readonly signer: DciSigner,
    @Inject(ACCESS_SETTINGS) private readonly settings: AccessSettings,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PROTECTOR) private readonly protector: Protector,
  ) {}

  onApplicationBootstrap(): void {
    if (this.signer.enabled) this.loop.start(this.settings.dci.callbacks.pollMs);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** Queues callbacks (in `m`, the transaction of what causes them); a notification already queued is not queued again. */
  async enqueue(m: EntityManager | DataSource, callbacks: readonly Callback[]): Promise<number> {
    if (callbacks.length === 0) return 0;
    const rows: unknown[] = await m.query(
      `insert into gateway.dci_deliveries (sender_id, kind, url, subscription_code, family_id, family_version, header, message, record_ids, state)
       select s, k, u, c, f, v, h, msg, coalesce(array(select jsonb_array_elements_text(r)), '{}'), 'pending'
         from unnest($1::text[], $2::text[], $3::text[], $4::uuid[], $5::uuid[], $6::int[], $7::jsonb[], $8::jsonb[], $9::jsonb[]) as t(s, k, u, c, f, v, h, msg, r)
       on conflict (subscription_code, family_id, family_version) where kind = 'notify' do nothing
       returning seq`,
      [
        callbacks.map((c) => c.senderId), callbacks.map((c) => c.kind), callbacks.map((c) => c.url),
        callbacks.map((c) => c.notify?.subscriptionCode ?? null), callbacks.map((c) => c.notify?.familyId ?? null), callbacks.map((c) => c.notify?.familyVersion ?? null),
        callbacks.map((c) => JSON.stringify(c.header)),
        // Sealed until delivered (then emptied): a callback carries the records it answers with.
        await Promise.all(callbacks.map((c) => sealJsonColumn(this.protector, c.message, PROTECTED.gateway.dciMessage))),
        callbacks.map((c) => JSON.stringify(c.recordIds ?? [])),
      ],
    );
    return rows.length;
  }

  /** Claims the due deliveries (the oldest pending one of each sender) and sends them. */
  async deliverDue(): Promise<number> {
    let due: DeliveryRow[];
    try {
      due = await this.db.query(
        `update gateway.dci_deliveries d set lease_until = now() + make_interval(secs => $1)
          from (select x.seq from gateway.dci_deliveries x
                 where x.state = 'pending' and x.next_attempt_at <= now() and (x.lease_until is null or x.lease_until < now())
                   and not exists (select 1 from gateway.dci_deliveries y where y.sender_id = x.sender_id and y.state = 'pending' and y.seq < x.seq)
                 order by x.seq limit 16 for update skip locked) c
          where d.seq = c.seq
          returning d.seq, d.sender_id, d.kind, d.url, d.header, d.message, d.record_ids, d.attempts,
                    (select s.agency_id from gateway.dci_senders s where s.sender_id = d.sender_id) as agency_id`,
        [Math.ceil(this.settings.dci.callbacks.timeoutMs / 1000) + 30],
      ).then(returnedRows<DeliveryRow>);
    } catch (err) {
      this.logger.warn({ err: describeError(err) }, 'claiming DCI callbacks failed; retried');
      return 0;
    }
    await Promise.all(due.map((d) => this.send(d)));
    return due.length;
  }

  private async send(d: DeliveryRow): Promise<void> {
    const { maxAttempts, retryBaseMs, retryMaxMs, timeoutMs } = this.settings.dci.callbacks;
    let problem: string | null = null;
    try {
      const res = await fetch(d.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(this.signer.envelope(d.header, await openJsonColumn(this.protector, d.message, PROTECTED.gateway.dciMessage))),
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.status < 200 || res.status >= 300) problem = `HTTP ${res.status}`;
    } catch (err) {
      problem = err instanceof Error && err.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : 'connection failed';
    }
    const attempts = d.attempts + 1;
    try {
      if (problem === null) {
        await this.db.transaction(async (m) => {
          await m.query(`update gateway.dci_deliveries set state = 'delivered', attempts = $2, delivered_at = now(), lease_until = null, header = null, message = null, last_error = null where seq = $1`, [d.seq, attempts]);
          if (d.record_ids.length > 0) {
            await this.audit.write({ actor: null, action: `dci.${d.kind.replace('/', '.')}`, outcome: 'ok', status: 200, recordType: 'family', recordIds: d.record_ids, detail: { senderId: d.sender_id, agency: d.agency_id, seq: Number(d.seq) } }, m);
          }
        });
      } else if (attempts >= maxAttempts) {
        await this.db.query(`update gateway.dci_deliveries set state = 'dead', attempts = $2, lease_until = null, last_error = $3 where seq = $1`, [d.seq, attempts, problem]);
        this.logger.warn({ seq: d.seq, senderId: d.sender_id, kind: d.kind, attempts }, 'DCI callback dead-lettered');
      } else {
        const delay = Math.min(retryMaxMs, retryBaseMs * 2 ** (attempts - 1));
        await this.db.query(`update gateway.dci_deliveries set attempts = $2, lease_until = null, last_error = $3, next_attempt_at = now() + make_interval(secs => $4) where seq = $1`, [d.seq, attempts, problem, delay / 1000]);
      }
    } catch (err) {
      this.logger.warn({ err: describeError(err), seq: d.seq }, 'recording a DCI callback failed; its lease runs out and it is sent again');
    }
  }

  /** Per sender: pending, delivered and dead callbacks, and the dead ones (without what they carry). */
  async status(senderId?: string) {
    const counts: Array<{ sender_id: string; state: string; n: string }> = await this.db.query(
      `select sender_id, state, count(*) as n from gateway.dci_deliveries where ($1::text is null or sender_id = $1) group by sender_id, state order by sender_id, state`,
      [senderId ?? null],
    );
    const dead: Array<{ seq: string; sender_id: string; kind: string; attempts: number; last_error: string | null; created_at: Date }> = await this.db.query(
      `select seq, sender_id, kind, attempts, last_error, created_at from gateway.dci_deliveries where state = 'dead' and ($1::text is null or sender_id = $1) order by seq limit 500`,
      [senderId ?? null],
    );
    const senders: Record<string, Record<string, number>> = {};
    for (const c of counts) (senders[c.sender_id] ??= { pending: 0, delivered: 0, dead: 0 })[c.state] = Number(c.n);
    return { senders, dead: dead.map((x) => ({ seq: Number(x.seq), senderId: x.sender_id, kind: x.kind, attempts: x.attempts, lastError: x.last_error, createdAt: x.created_at.toISOString() })) };
  }

  /** Sends dead callbacks again (all of the sender's, or the listed ones). */
  async redeliver(senderId: string, body: unknown) {
    const b = parseBody(Redeliver, body ?? {});
    const rows = await this.db.query(
      `update gateway.dci_deliveries set state = 'pending', attempts = 0, next_attempt_at = now(), last_error = null
        where sender_id = $1 and state = 'dead' and ($2::bigint[] is null or seq = any($2::bigint[])) returning seq`,
      [senderId, b.seqs ?? null],
    ).then(returnedRows<{ seq: string }>);
    if (rows.length === 0 && b.seqs) throw new ApiError(404, 'NOT_FOUND', 'none of these callbacks is dead');
    return { redelivering: rows.length };
  }
}
