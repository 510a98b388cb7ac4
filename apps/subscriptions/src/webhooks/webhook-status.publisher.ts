import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { TOPICS, type WebhookStatusV1 } from '@satupintu/contracts';
import { describeError, encodeEvent, EventProducer } from '@satupintu/kafka';
import type { Logger } from '@satupintu/observability';
import { DATA_SOURCE, LOGGER, PeriodicTask } from '@satupintu/platform';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { SUBSCRIPTIONS_SETTINGS, type SubscriptionsSettings } from '../config/subscriptions.config';
import { GrantStore } from '../projection/grant-store';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** Publishes each agency's webhook delivery state (subscriptions.webhook-status.v1) when it changes. */
@Injectable()
export class WebhookStatusPublisher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly loop = new PeriodicTask(() => this.publish());
  private readonly lastSent = new Map<string, string>();

  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(EventProducer) private readonly producer: EventProducer,
    @Inject(GrantStore) private readonly grants: GrantStore,
    @Inject(SUBSCRIPTIONS_SETTINGS) private readonly settings: SubscriptionsSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.loop.start(this.settings.statusIntervalMs);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  async publish(): Promise<void> {
    try {
      const grants = (await this.grants.all()).filter((g) => g.webhook || this.lastSent.has(g.agencyId));
      if (grants.length === 0) return;
      const statuses = await this.statusesOf(grants.map((g) => ({ agencyId: g.agencyId, url: g.webhook?.url ?? null })));
      const messages = [];
      for (const status of statuses) {
        const fingerprint = JSON.stringify({ ...status, eventId: undefined, occurredAt: undefined });
        if (this.lastSent.get(status.agencyId) === fingerprint) continue;
        messages.push({ topic: TOPICS.webhookStatus, key: status.agencyId, value: encodeEvent(TOPICS.webhookStatus, status), fingerprint, agencyId: status.agencyId });
      }
      if (messages.length === 0) return;
      await this.producer.send(messages.map(({ topic, key, value }) => ({ topic, key, value })));
      for (const m of messages) this.lastSent.set(m.agencyId, m.fingerprint);
    } catch (err) {
      this.logger.warn({ err: describeError(err) }, 'publishing webhook status failed; retried at the next interval');
    }
  }

  /** The delivery state of every listed agency: three queries for all of them. */
  private async statusesOf(agencies: Array<{ agencyId: string; url: string | null }>): Promise<WebhookStatusV1[]> {
    const ids = agencies.map((a) => a.agencyId);
    const counts: Array<{ agency_id: string; pending: string; delivered: string; dead: string; oldest: Date | null; last_delivered: Date | null }> = await this.db.query(
      `select agency_id, count(*) filter (where status = 'pending') as pending, count(*) filter (where status = 'delivered') as delivered,
              count(*) filter (where status = 'dead') as dead, min(created_at) filter (where status = 'pending') as oldest,
              max(delivered_at) as last_delivered
         from subscriptions.webhook_deliveries where agency_id = any($1) group by agency_id`,
      [ids],
    );
    const failures: Array<{ agency_id: string; last_attempt_at: Date; last_error: string }> = await this.db.query(
      `select distinct on (agency_id) agency_id, last_attempt_at, last_error from subscriptions.webhook_deliveries
        where agency_id = any($1) and last_error is not null and last_attempt_at is not null order by agency_id, last_attempt_at desc`,
      [ids],
    );
    const dead: Array<{ agency_id: string; delivery_id: string; family_id: string; event_type: string; sequence: number; attempts: number; last_error: string | null; dead_at: Date }> = await this.db.query(
      `select * from (select agency_id, delivery_id, family_id, event_type, sequence, attempts, last_error, dead_at,
                             row_number() over (partition by agency_id order by id) as n
                        from subscriptions.webhook_deliveries where agency_id = any($1) and status = 'dead') d
        where n <= 100 order by agency_id, n`,
      [ids],
    );
    const countsOf = new Map(counts.map((c) => [c.agency_id, c]));
    const failureOf = new Map(failures.map((f) => [f.agency_id, f]));
    return agencies.map(({ agencyId, url }) => {
      const c = countsOf.get(agencyId);
      const failure = failureOf.get(agencyId);
      return {
        eventId: randomUUID(),
        occurredAt: new Date().toISOString(),
        agencyId,
        url,
        pending: Number(c?.pending ?? 0),
        delivered: Number(c?.delivered ?? 0),
        deadLettered: Number(c?.dead ?? 0),
        oldestPendingSince: iso(c?.oldest ?? null),
        lastDeliveredAt: iso(c?.last_delivered ?? null),
        lastFailure: failure ? { at: new Date(failure.last_attempt_at).toISOString(), error: failure.last_error.slice(0, 300) } : null,
        deadLetters: dead
          .filter((d) => d.agency_id === agencyId)
          .map((d) => ({ deliveryId: d.delivery_id, familyId: d.family_id, eventType: d.event_type, sequence: d.sequence, attempts: d.attempts, lastError: (d.last_error ?? '').slice(0, 300), deadSince: new Date(d.dead_at).toISOString() })),
      };
    });
  }
}
