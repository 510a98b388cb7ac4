import type { GrantedFamily } from '@satupintu/contracts';
import { openJsonColumn, PROTECTED, sealJsonColumn, type Protector } from '@satupintu/protection';
import type { EntityManager } from 'typeorm';

const S = PROTECTED.subscriptions;

export interface AgencyView {
  agencyId: string;
  familyId: string;
  sequence: number;
  sourceVersion: number;
  payload: GrantedFamily | null;
}

export interface Delivery {
  deliveryId: string;
  agencyId: string;
  familyId: string;
  eventType: string;
  sequence: number;
  body: string;
}

type ViewRow = { agency_id: string; family_id: string; sequence: number; source_version: number; payload: GrantedFamily | string | null };

/**
 * Each agency's last published view of each family, and the webhook deliveries to make. Views and
 * webhook bodies hold what the agency is granted, NIKs and names among it: they are sealed
 * (docs/security.md "Encryption at rest").
 */
export class AgencyViews {
  constructor(
    private readonly m: EntityManager,
    private readonly protector: Protector,
  ) {}

  private async view(r: ViewRow): Promise<AgencyView> {
    // A view written before protection is the document itself.
    const payload = await openJsonColumn<GrantedFamily | null>(this.protector, r.payload, S.agencyView);
    return { agencyId: r.agency_id, familyId: r.family_id, sequence: r.sequence, sourceVersion: r.source_version, payload };
  }

  async load(agencyIds: string[], familyIds: string[]): Promise<Map<string, AgencyView>> {
    const rows: ViewRow[] = await this.m.query('select * from subscriptions.agency_families where agency_id = any($1) and family_id = any($2::uuid[])', [agencyIds, familyIds]);
    const views = await Promise.all(rows.map((r) => this.view(r)));
    return new Map(views.map((v) => [`${v.agencyId}|${v.familyId}`, v]));
  }

  async loadAgency(agencyId: string, afterFamily: string | null, limit: number): Promise<AgencyView[]> {
    const rows: ViewRow[] = await this.m.query(
      `select * from subscriptions.agency_families where agency_id = $1 and ($2::uuid is null or family_id > $2::uuid) order by family_id limit $3`,
      [agencyId, afterFamily, limit],
    );
    return Promise.all(rows.map((r) => this.view(r)));
  }

  async save(views: AgencyView[]): Promise<void> {
    if (views.length === 0) return;
    await this.m.query(
      `insert into subscriptions.agency_families (agency_id, family_id, sequence, source_version, payload)
       select * from unnest($1::text[], $2::uuid[], $3::int[], $4::int[], $5::jsonb[])
       on conflict (agency_id, family_id) do update set sequence = excluded.sequence, source_version = excluded.source_version, payload = excluded.payload`,
      [
        views.map((v) => v.agencyId),
        views.map((v) => v.familyId),
        views.map((v) => v.sequence),
        views.map((v) => v.sourceVersion),
        await Promise.all(views.map((v) => (v.payload ? sealJsonColumn(this.protector, v.payload, S.agencyView) : null))),
      ],
    );
  }

  async forget(agencyId: string): Promise<void> {
    await this.m.query('delete from subscriptions.agency_families where agency_id = $1', [agencyId]);
  }

  /** Queues webhook deliveries; one already queued (same id, a retried batch) is left as it is. */
  async enqueue(deliveries: Delivery[]): Promise<void> {
    if (deliveries.length === 0) return;
    await this.m.query(
      `insert into subscriptions.webhook_deliveries (delivery_id, agency_id, family_id, event_type, sequence, body)
       select a, b, c, d, e, f from unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::int[], $6::text[]) with ordinality as t(a, b, c, d, e, f, n)
       order by n
       on conflict (delivery_id) do nothing`,
      [
        deliveries.map((d) => d.deliveryId),
        deliveries.map((d) => d.agencyId),
        deliveries.map((d) => d.familyId),
        deliveries.map((d) => d.eventType),
        deliveries.map((d) => d.sequence),
        await Promise.all(deliveries.map((d) => this.protector.seal(d.body, S.webhookBody))),
      ],
    );
  }
}
