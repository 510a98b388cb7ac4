import { Inject, Injectable } from '@nestjs/common';
import { AgencyEventType, AgencyId, GrantableField, GrantRegion, TOPICS, type AgencyGrant } from '@satupintu/contracts';
import { deriveWebhookSecret } from '@satupintu/domain';
import { enqueueOutbox } from '@satupintu/persistence';
import { ApiError, DATA_SOURCE, outboxEvent } from '@satupintu/platform';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';
import { AuditService } from '../audit/audit.service';
import type { Caller } from '../auth/caller';
import { PURPOSES } from '../auth/policy';
import { ACCESS_SETTINGS, type AccessSettings } from '../config/access.config';
import { parseBody } from '../http/params';

const GrantBody = z.strictObject({
  eventTypes: z.array(AgencyEventType).min(1).max(10),
  fields: z.array(GrantableField).max(100),
  regions: z.array(GrantRegion).min(1).max(100),
  purpose: z.enum(PURPOSES),
  /** null removes the webhook; absent keeps the current one. */
  webhook: z.strictObject({ url: z.url().max(500) }).nullable().optional(),
  /** A new webhook secret (the old one stops verifying at once). */
  rotateWebhookSecret: z.boolean().optional(),
});

const RedeliverBody = z.strictObject({ deliveryIds: z.array(z.uuid()).min(1).max(1000).optional() });

interface GrantRow {
  agency_id: string;
  version: number;
  status: 'active' | 'revoked';
  event_types: string[];
  fields: string[];
  regions: string[];
  purpose: string;
  webhook_url: string | null;
  webhook_secret_version: number | null;
  changed_by: string | null;
  changed_at: Date;
}

const toGrant = (r: GrantRow): AgencyGrant => ({
  agencyId: r.agency_id,
  version: r.version,
  status: r.status,
  eventTypes: r.event_types as AgencyGrant['eventTypes'],
  fields: r.fields as AgencyGrant['fields'],
  regions: r.regions,
  purpose: r.purpose,
  webhook: r.webhook_url && r.webhook_secret_version ? { url: r.webhook_url, secretVersion: r.webhook_secret_version } : null,
  changedBy: r.changed_by ?? 'system',
  changedAt: r.changed_at.toISOString(),
});

/**
 * Agency grants: which event types, fields and regions an agency receives, and for what purpose.
 * Every change is a new version, written to the audit trail and published (subscriptions.grant-changed.v1)
 * for the subscriptions service, which applies it to the events that come after.
 */
@Injectable()
export class GrantsService {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(ACCESS_SETTINGS) private readonly settings: AccessSettings,
  ) {}

  agencyIdOr404(id: string): string {
    if (!AgencyId.safeParse(id).success) throw new ApiError(404, 'AGENCY_NOT_FOUND', 'no agency has this id');
    return id;
  }

  async list() {
    const rows: GrantRow[] = await this.db.query(
      `select distinct on (agency_id) * from gateway.agency_grants order by agency_id, version desc`,
    );
    return { grants: rows.map(toGrant) };
  }

  /** The agency's grant in force, or null before its first. */
  async find(agencyId: string): Promise<AgencyGrant | null> {
    const [row]: GrantRow[] = await this.db.query('select * from gateway.agency_grants where agency_id = $1 order by version desc limit 1', [agencyId]);
    return row ? toGrant(row) : null;
  }

  async current(agencyId: string): Promise<AgencyGrant> {
    const grant = await this.find(agencyId);
    if (!grant) throw new ApiError(404, 'AGENCY_NOT_FOUND', 'this agency has no grant');
    return grant;
  }

  async versions(agencyId: string) {
    const rows: GrantRow[] = await this.db.query('select * from gateway.agency_grants where agency_id = $1 order by version', [agencyId]);
    if (rows.length === 0) throw new ApiError(404, 'AGENCY_NOT_FOUND', 'this agency has no grant');
    return { versions: rows.map(toGrant) };
  }

  /** A new version of the agency's grant. Returns the webhook secret when a webhook is new or its secret rotated. */
  async put(agencyId: string, body: unknown, by: Caller) {
    const b = parseBody(GrantBody, body);
    for (const r of b.regions) if (!by.covers(r)) throw new ApiError(403, 'OUT_OF_SCOPE', `region ${r} lies outside your scope`);
    if (b.webhook) this.checkWebhookUrl(b.webhook.url);
    return this.db.transaction(async (m) => {
      const previous = await this.lockCurrent(m, agencyId);
      if (previous && !previous.regions.every((r) => by.covers(r))) throw new ApiError(403, 'OUT_OF_SCOPE', 'this grant has regions outside your scope');
      const url = b.webhook === undefined ? (previous?.webhook_url ?? null) : (b.webhook?.url ?? null);
      const prevSecret = previous?.webhook_secret_version ?? 0;
      const newSecret = url !== null && (prevSecret === 0 || b.rotateWebhookSecret === true || previous?.webhook_url === null);
      const secretVersion = url === null ? null : newSecret ? prevSecret + 1 : prevSecret;
      const row = await this.insert(m, {
        agency_id: agencyId, version: (previous?.version ?? 0) + 1, status: 'active', event_types: [...new Set(b.eventTypes)], fields: [...new Set(b.fields)].sort(),
        regions: [...new Set(b.regions)].sort(), purpose: b.purpose, webhook_url: url, webhook_secret_version: secretVersion, changed_by: by.principal.id,
      });
      await this.audit.write(this.change(by, previous ? 'grant.update' : 'grant.create', previous ? 200 : 201, agencyId, row, previous), m);
      const grant = toGrant(row);
      return newSecret && secretVersion ? { ...grant, webhookSecret: deriveWebhookSecret(this.signingKey(), agencyId, secretVersion) } : grant;
    });
  }

  async revoke(agencyId: string, by: Caller) {
    return this.db.transaction(async (m) => {
      const previous = await this.lockCurrent(m, agencyId);
      if (!previous) throw new ApiError(404, 'AGENCY_NOT_FOUND', 'this agency has no grant');
      if (!previous.regions.every((r) => by.covers(r))) throw new ApiError(403, 'OUT_OF_SCOPE', 'this grant has regions outside your scope');
      if (previous.status === 'revoked') return toGrant(previous);
      const row = await this.insert(m, { ...previous, version: previous.version + 1, status: 'revoked', changed_by: by.principal.id });
      await this.audit.write(this.change(by, 'grant.revoke', 200, agencyId, row, previous), m);
      return toGrant(row);
    });
  }

  /** Asks the subscriptions service to send dead-lettered deliveries again (all, or the listed ones). */
  async redeliver(agencyId: string, body: unknown, by: Caller) {
    const b = parseBody(RedeliverBody, body ?? {});
    await this.current(agencyId);
    const commandId = randomUUID();
    await this.db.transaction(async (m) => {
      await enqueueOutbox(m, 'gateway', [
        outboxEvent(TOPICS.webhookCommands, agencyId, { eventId: commandId, occurredAt: new Date().toISOString(), type: 'redeliver', agencyId, ...(b.deliveryIds ? { deliveryIds: b.deliveryIds } : {}), requestedBy: by.principal.id }),
      ]);
      await this.audit.write({ actor: by.principal, action: 'webhook.redeliver', outcome: 'ok', status: 202, recordType: 'agency', recordIds: [agencyId, ...(b.deliveryIds ?? [])], purpose: by.purpose, ip: by.ip, detail: { count: b.deliveryIds?.length ?? 'all' } }, m);
    });
    return { commandId, agencyId, deliveryIds: b.deliveryIds ?? 'all' };
  }

  /** The webhook delivery state the subscriptions service last reported (pending, delivered, dead letters). */
  async webhookStatus(agencyId: string) {
    const grant = await this.current(agencyId);
    const [row]: Array<{ status: Record<string, unknown> }> = await this.db.query('select status from gateway.webhook_status where agency_id = $1', [agencyId]);
    return { agencyId, webhook: grant.webhook, delivery: row?.status ?? null };
  }

  private async lockCurrent(m: EntityManager, agencyId: string): Promise<GrantRow | undefined> {
    // One writer per agency at a time: the next version number is read under this lock.
    await m.query('select pg_advisory_xact_lock(hashtext($1))', [`grant:${agencyId}`]);
    const [row]: GrantRow[] = await m.query('select * from gateway.agency_grants where agency_id = $1 order by version desc limit 1', [agencyId]);
    return row;
  }

  private async insert(m: EntityManager, r: Omit<GrantRow, 'changed_at'>): Promise<GrantRow> {
    const [row]: GrantRow[] = await m.query(
      `insert into gateway.agency_grants (agency_id, version, status, event_types, fields, regions, purpose, webhook_url, webhook_secret_version, changed_by)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning *`,
      [r.agency_id, r.version, r.status, r.event_types, r.fields, r.regions, r.purpose, r.webhook_url, r.webhook_secret_version, r.changed_by],
    );
    const grant = toGrant(row);
    await enqueueOutbox(m, 'gateway', [outboxEvent(TOPICS.grantChanged, r.agency_id, { eventId: randomUUID(), occurredAt: grant.changedAt, grant })]);
    return row;
  }

  private change(by: Caller, action: string, status: number, agencyId: string, row: GrantRow, previous: GrantRow | undefined) {
    const added = (now: string[], before: string[] = []) => now.filter((x) => !before.includes(x));
    return {
      actor: by.principal, action, outcome: 'ok' as const, status, recordType: 'agency', recordIds: [agencyId], purpose: by.purpose, ip: by.ip,
      detail: {
        version: row.version, status: row.status, eventTypes: row.event_types, fields: row.fields, regions: row.regions, purpose: row.purpose, webhook: row.webhook_url !== null,
        fieldsAdded: added(row.fields, previous?.fields), fieldsRemoved: added(previous?.fields ?? [], row.fields),
      },
    };
  }

  private signingKey(): string {
    if (!this.settings.webhookSigningKey) throw new ApiError(409, 'WEBHOOKS_DISABLED', 'this deployment has no WEBHOOK_SIGNING_KEY: webhooks cannot be configured');
    return this.settings.webhookSigningKey;
  }

  private checkWebhookUrl(url: string): void {
    this.signingKey();
    const u = new URL(url);
    if (u.protocol !== 'https:' && !(u.protocol === 'http:' && this.settings.webhookAllowHttp)) {
      throw new ApiError(400, 'INVALID_REQUEST', 'a webhook URL must use https', [{ path: 'webhook.url', message: 'https only (WEBHOOK_ALLOW_HTTP=true allows http, for development)' }]);
    }
    if (u.username || u.password) throw new ApiError(400, 'INVALID_REQUEST', 'a webhook URL must not carry credentials', [{ path: 'webhook.url', message: 'no user:password@' }]);
  }
}
