import type { EntityManager } from 'typeorm';
import type { GrantedFamily } from '@satupintu/contracts';

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

/** Each agency's last published view of each family, and the webhook deliveries to make. */
export class AgencyViews {
  constructor(private readonly m: EntityManager) {}

  async load(agencyIds: string[], familyIds: string[]): Promise<Map<string, AgencyView>> {
    const rows: Array<{ agency_id: string; family_id: string; sequence: number; source_version: number; payload: GrantedFamily | null }> = await this.m.query(
      'select * from subscriptions.agency_families where agency_id = any($1) and family_id = any($2::uuid[])',
      [agencyIds, familyIds],
    );
    return new Map(rows.map((r) => [`${r.agency_id}|${r.family_id}`, { agencyId: r.agency_id, familyId: r.family_id, sequence: r.sequence, sourceVersion: r.source_version, payload: r.payload }]));
  }

  async loadAgency(agencyId: string, afterFamily: string | null, limit: number): Promise<AgencyView[]> {
    const rows: Array<{ family_id: string; sequence: number; source_version: number; payload: GrantedFamily | null }> = await this.m.query(
      `select * from subscriptions.agency_families where agency_id = $1 and ($2::uuid is null or family_id > $2::uuid) order by family_id limit $3`,
      [agencyId, afterFamily, limit],
    );
    return rows.map((r) => ({ agencyId, familyId: r.family_id, sequence: r.sequence, sourceVersion: r.source_version, payload: r.payload }));
  }

  async save(views: AgencyView[]): Promise<void> {
    if (views.length === 0) return;
    await this.m.query(
      `insert into subscriptions.agency_families (agency_id, family_id, sequence, source_version, payload)
       select * from unnest($1::text[], $2::uuid[], $3::int[], $4::int[], $5::jsonb[])
       on conflict (agency_id, family_id) do update set sequence = excluded.sequence, source_version = excluded.source_version, payload = excluded.payload`,
      [views.map((v) => v.agencyId), views.map((v) => v.familyId), views.map((v) => v.sequence), views.map((v) => v.sourceVersion), views.map((v) => (v.payload ? JSON.stringify(v.payload) : null))],
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
      [deliveries.map((d) => d.deliveryId), deliveries.map((d) => d.agencyId), deliveries.map((d) => d.familyId), deliveries.map((d) => d.eventType), deliveries.map((d) => d.sequence), deliveries.map((d) => d.body)],
    );
  }
}
