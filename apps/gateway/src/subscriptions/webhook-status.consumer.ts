import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS, type WebhookStatusV1 } from '@satupintu/contracts';
import type { ConsumedEvent } from '@satupintu/kafka';
import { DATA_SOURCE } from '@satupintu/platform';
import type { DataSource } from 'typeorm';

/** Keeps the latest webhook delivery state per agency, as the subscriptions service reports it. */
@Controller()
export class WebhookStatusConsumer {
  constructor(@Inject(DATA_SOURCE) private readonly db: DataSource) {}

  @EventPattern(TOPICS.webhookStatus)
  async onStatus(@Payload() batch: ConsumedEvent<WebhookStatusV1>[]) {
    const latest = new Map<string, WebhookStatusV1>();
    for (const { value } of batch) {
      const seen = latest.get(value.agencyId);
      if (!seen || seen.occurredAt <= value.occurredAt) latest.set(value.agencyId, value);
    }
    if (latest.size === 0) return;
    const rows = [...latest.values()];
    await this.db.query(
      `insert into gateway.webhook_status (agency_id, status, updated_at)
       select * from unnest($1::text[], $2::jsonb[], $3::timestamptz[])
       on conflict (agency_id) do update set status = excluded.status, updated_at = excluded.updated_at
        where gateway.webhook_status.updated_at <= excluded.updated_at`,
      [rows.map((r) => r.agencyId), rows.map((r) => JSON.stringify(r)), rows.map((r) => r.occurredAt)],
    );
  }
}
