import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { WEBHOOK_HEADERS, type AgencyGrant } from '@satupintu/contracts';
import { deriveWebhookSecret, signWebhook } from '@satupintu/domain';
import { describeError } from '@satupintu/kafka';
import type { Logger } from '@satupintu/observability';
import { DATA_SOURCE, LOGGER, PeriodicTask } from '@satupintu/platform';
import { PROTECTED, PROTECTOR, type Protector } from '@satupintu/protection';
import type { DataSource } from 'typeorm';
import { SUBSCRIPTIONS_SETTINGS, type SubscriptionsSettings } from '../config/subscriptions.config';
import { GrantStore } from '../projection/grant-store';

interface DueDelivery {
  id: string;
  delivery_id: string;
  agency_id: string;
  family_id: string;
  body: string;
  attempts: number;
}

/** Backoff before attempt n+1 after n failures: base * 2^(n-1), capped, with up to 20 % jitter. */
export function backoffMs(failures: number, baseMs: number, maxMs: number, random = Math.random): number {
  const plain = Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(plain * (0.8 + 0.2 * random()));
}

/**
 * Delivers queued webhook events: signed (HMAC-SHA256 over timestamp and body), retried with
 * exponential backoff, dead-lettered after the last attempt. Per family, strictly in order: a
 * delivery waits while an earlier one of the same family is pending or dead-lettered (a redelivery
 * releases it). Several instances share the queue (rows are leased with skip locked).
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly loop = new PeriodicTask(() => this.tick());
  private stopping = false;

  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(GrantStore) private readonly grants: GrantStore,
    @Inject(SUBSCRIPTIONS_SETTINGS) private readonly settings: SubscriptionsSettings,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PROTECTOR) private readonly protector: Protector,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.settings.signingKey) {
      this.logger.warn('WEBHOOK_SIGNING_KEY is not set: webhook deliveries stay queued');
      return;
    }
    this.loop.start(this.settings.pollMs);
  }

  /** Stops taking deliveries and waits for those in flight (their outcome is recorded). */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.loop.stop();
  }

  /** One pass: claims due deliveries (at most one per family) and makes them; returns how many. */
  async tick(): Promise<number> {
    try {
      const due = await this.claim();
      if (due.length === 0) return 0;
      const grants = new Map((await this.grants.all()).map((g) => [g.agencyId, g]));
      await Promise.all(due.map((d) => this.deliver(d, grants.get(d.agency_id))));
      return due.length;
    } catch (err) {
      this.logger.warn({ err: describeError(err) }, 'webhook pass failed; retried at the next interval');
      return 0;
    }
  }

  private async claim(): Promise<DueDelivery[]> {
    if (this.stopping) return [];
    const leaseMs = this.settings.timeoutMs * 3;
    const [rows]: [DueDelivery[], number] = await this.db.query(
      `with due as (
         select d.id from subscriptions.webhook_deliveries d
          where d.status = 'pending' and d.next_attempt_at <= now() and (d.locked_until is null or d.locked_until < now())
            and not exists (select 1 from subscriptions.webhook_deliveries e
                             where e.agency_id = d.agency_id and e.family_id = d.family_id and e.id < d.id and e.status in ('pending', 'dead'))
          order by d.next_attempt_at, d.id
          limit $1
          for update skip locked)
       update subscriptions.webhook_deliveries w set locked_until = now() + make_interval(secs => $2::float8 / 1000)
         from due where w.id = due.id
       returning w.id, w.delivery_id, w.agency_id, w.family_id, w.body, w.attempts`,
      [this.settings.concurrency, leaseMs],
    );
    return rows;
  }

  private async deliver(d: DueDelivery, grant: AgencyGrant | undefined): Promise<void> {
    if (!grant || grant.status !== 'active' || !grant.webhook) {
      await this.db.query(`update subscriptions.webhook_deliveries set status = 'cancelled', locked_until = null where id = $1`, [d.id]);
      return;
    }
    const attempt = d.attempts + 1;
    let failure: string | null = null;
    try {
      const secret = deriveWebhookSecret(this.settings.signingKey as string, grant.agencyId, grant.webhook.secretVersion);
      const timestamp = Math.floor(Date.now() / 1000);
      const body = await this.protector.open(d.body, PROTECTED.subscriptions.webhookBody);
      const res = await fetch(grant.webhook.url, {
        method: 'POST',
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.settings.timeoutMs),
        headers: {
          'content-type': 'application/cloudevents+json',
          [WEBHOOK_HEADERS.signature]: signWebhook(secret, timestamp, body),
          [WEBHOOK_HEADERS.timestamp]: String(timestamp),
          [WEBHOOK_HEADERS.deliveryId]: d.delivery_id,
          [WEBHOOK_HEADERS.attempt]: String(attempt),
        },
      });
      await res.body?.cancel().catch(() => undefined);
      if (res.status < 200 || res.status >= 300) failure = `HTTP ${res.status}`;
    } catch (err) {
      failure = describeError(err).errorType;
    }
    if (failure === null) {
      await this.db.query(
        `update subscriptions.webhook_deliveries set status = 'delivered', attempts = $2, delivered_at = now(), last_attempt_at = now(), locked_until = null where id = $1`,
        [d.id, attempt],
      );
      return;
    }
    const dead = attempt >= this.settings.maxAttempts;
    await this.db.query(
      `update subscriptions.webhook_deliveries
          set attempts = $2, last_error = $3, last_attempt_at = now(), locked_until = null,
              status = case when $4 then 'dead' else 'pending' end,
              dead_at = case when $4 then now() else null end,
              next_attempt_at = now() + make_interval(secs => $5::float8 / 1000)
        where id = $1`,
      [d.id, attempt, failure.slice(0, 300), dead, backoffMs(attempt, this.settings.retryBaseMs, this.settings.retryMaxMs)],
    );
    if (dead) this.logger.warn({ agencyId: d.agency_id, deliveryId: d.delivery_id, attempts: attempt, error: failure }, 'webhook delivery dead-lettered');
  }
}
