import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS, type WebhookCommandV1 } from '@satupintu/contracts';
import type { ConsumedEvent } from '@satupintu/kafka';
import type { Logger } from '@satupintu/observability';
import { DATA_SOURCE, LOGGER } from '@satupintu/platform';
import type { DataSource } from 'typeorm';

/** Redelivery: dead-lettered deliveries go back to the queue with their attempts reset. */
@Controller()
export class WebhookCommandsConsumer {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @EventPattern(TOPICS.webhookCommands)
  async onCommand(@Payload() batch: ConsumedEvent<WebhookCommandV1>[]) {
    for (const { value: c } of batch) {
      const [, count]: [unknown[], number] = await this.db.query(
        `update subscriptions.webhook_deliveries set status = 'pending', attempts = 0, next_attempt_at = now(), dead_at = null, locked_until = null
          where agency_id = $1 and status = 'dead' and ($2::uuid[] is null or delivery_id = any($2::uuid[]))`,
        [c.agencyId, c.deliveryIds ?? null],
      );
      this.logger.info({ agencyId: c.agencyId, requeued: count, commandId: c.eventId }, 'dead-lettered webhook deliveries requeued');
    }
  }
}
