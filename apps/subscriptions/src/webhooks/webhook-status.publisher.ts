import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { TOPICS, type WebhookStatusV1 } from '@satupintu/contracts';
import { describeError, encodeEvent, EventProducer } from '@satupintu/kafka';
import type { Logger } from '@satupintu/observability';
import { DATA_SOURCE, LOGGER } from '@satupintu/platform';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { SUBSCRIPTIONS_SETTINGS, type SubscriptionsSettings } from '../config/subscriptions.config';
import { GrantStore } from '../projection/grant-store';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** Publishes each agency's webhook delivery state (subscriptions.webhook-status.v1) when it changes. */
@Injectable()
export class WebhookStatusPublisher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private readonly lastSent = new Map<string, string>();

  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(EventProducer) private readonly producer: EventProducer,
    @Inject(GrantStore) private readonly grants: GrantStore,
    @Inject(SUBSCRIPTIONS_SETTINGS) private readonly settings: SubscriptionsSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.publish().finally(() => (this.running = undefined));
    }, this.settings.statusIntervalMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  async publish(): Promise<void> {
    try {
      const grants = (await this.grants.all()).filter((g) => g.webhook || this.lastSent.has(g.agencyId));
      const messages = [];
      for (const g of grants) {
        const status = await this.statusOf(g.agencyId, g.webhook?.url ?? null);
        const fingerprint = JSON.stringify({ ...status, eventId: undefined, occurredAt: undefined });
        if (this.lastSent.get(g.agencyId) === fingerprint) continue;
        messages.push({ topic: TOPICS.webhookStatus, key: g.agencyId, value: encodeEvent(TOPICS.webhookStatus, status), fingerprint, agencyId: g.agencyId });
      }
      if (messages.length === 0) return;
      await this.producer.send(messages.map(({ topic, key, value }) => ({ topic, key, value })));
      for (const m of messages) this.lastSent.set(m.agencyId, m.fingerprint);
    } catch (err) {
      this.logger.warn({ err: describeError(err) }, 'publishing webhook status failed; retried at the next interval');
    }
  }

  private async statusOf(agencyId: string, url: string | null): Promise<WebhookStatusV1> {
    const [counts]: Array<{ pending: string; delivered: string; dead: string; oldest: Date | null; last_delivered: Date | null }> = await this.db.query(
      `select count(*) filter (where status = 'pending') as pending, count(*) filter (where status = 'delivered') as delivered,
              count(*) filter (where status = 'dead') as dead, min(created_at) filter (where status = 'pending') as oldest,
              max(delivered_at) as last_delivered
         from subscriptions.webhook_deliveries where agency_id = $1`,
      [agencyId],
    );
    const [failure]: Array<{ last_attempt_at: Date; last_error: string }> = await this.db.query(
      `select last_attempt_at, last_error from subscriptions.webhook_deliveries
        where agency_id = $1 and last_error is not null and last_attempt_at is not null order by last_attempt_at desc limit 1`,
      [agencyId],
    );
    const dead: Array<{ delivery_id: string; family_id: string; event_type: string; sequence: number; attempts: number; last_error: string | null; dead_at: Date }> = await this.db.query(
      `select delivery_id, family_id, event_type, sequence, attempts, last_error, dead_at from subscriptions.webhook_deliveries
        where agency_id = $1 and status = 'dead' order by id limit 100`,
      [agencyId],
    );
    return {
      eventId: randomUUID(),
      occurredAt: new Date().toISOString(),
      agencyId,
      url,
      pending: Number(counts.pending),
      delivered: Number(counts.delivered),
      deadLettered: Number(counts.dead),
      oldestPendingSince: iso(counts.oldest),
      lastDeliveredAt: iso(counts.last_delivered),
      lastFailure: failure ? { at: new Date(failure.last_attempt_at).toISOString(), error: failure.last_error.slice(0, 300) } : null,
      deadLetters: dead.map((d) => ({ deliveryId: d.delivery_id, familyId: d.family_id, eventType: d.event_type, sequence: d.sequence, attempts: d.attempts, lastError: (d.last_error ?? '').slice(0, 300), deadSince: new Date(d.dead_at).toISOString() })),
    };
  }
}
