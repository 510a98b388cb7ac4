import { Inject, Injectable } from '@nestjs/common';
import { AgencyGrant } from '@satupintu/contracts';
import { DATA_SOURCE } from '@satupintu/platform';
import type { DataSource, EntityManager } from 'typeorm';

/** The grants in force, as last received from the gateway (subscriptions.grant-changed.v1). */
@Injectable()
export class GrantStore {
  constructor(@Inject(DATA_SOURCE) private readonly db: DataSource) {}

  async all(m: EntityManager | DataSource = this.db): Promise<AgencyGrant[]> {
    const rows: Array<{ grant_json: unknown }> = await m.query('select grant_json from subscriptions.grants order by agency_id');
    return rows.map((r) => AgencyGrant.parse(r.grant_json));
  }

  async active(eventType?: AgencyGrant['eventTypes'][number]): Promise<AgencyGrant[]> {
    return (await this.all()).filter((g) => g.status === 'active' && (!eventType || g.eventTypes.includes(eventType)));
  }

  /** Stores the grant if it is newer than the one held; returns the one it replaced (undefined: new agency), or null when not newer. */
  async apply(m: EntityManager, grant: AgencyGrant): Promise<AgencyGrant | undefined | null> {
    const [held]: Array<{ grant_json: unknown; version: number }> = await m.query('select grant_json, version from subscriptions.grants where agency_id = $1 for update', [grant.agencyId]);
    if (held && held.version >= grant.version) return null;
    await m.query(
      `insert into subscriptions.grants (agency_id, version, grant_json, updated_at) values ($1, $2, $3, now())
       on conflict (agency_id) do update set version = excluded.version, grant_json = excluded.grant_json, updated_at = now()`,
      [grant.agencyId, grant.version, JSON.stringify(grant)],
    );
    return held ? AgencyGrant.parse(held.grant_json) : undefined;
  }
}
