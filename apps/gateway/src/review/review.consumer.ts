import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS, type PersonMergedV1, type PersonUnmergedV1, type ReviewTaskV1 } from '@satupintu/contracts';
import type { ConsumedEvent } from '@satupintu/kafka';
import { DATA_SOURCE } from '@satupintu/platform';
import { PROTECTED, PROTECTOR, sealIdentifiers, type Protector } from '@satupintu/protection';
import type { DataSource } from 'typeorm';

/**
 * Keeps the gateway's read models of duplicate review: each task's newest state (highest revision
 * wins, so replays and late messages change nothing) and every merge with whether it was undone.
 * The persons' NIKs, KKs, names and birth dates are sealed apart from the rest (`identity`).
 */
@Controller()
export class ReviewConsumer {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(PROTECTOR) private readonly protector: Protector,
  ) {}

  @EventPattern(TOPICS.reviewTasks)
  async onTasks(@Payload() batch: ConsumedEvent<ReviewTaskV1>[]) {
    for (const { value: t } of batch) {
      const { rest, identity } = await sealIdentifiers(this.protector, t, PROTECTED.gateway.reviewIdentity);
      await this.db.query(
        `insert into gateway.review_tasks (task_id, revision, status, village_code, opened_at, task, identity) values ($1, $2, $3, $4, $5, $6, $7)
         on conflict (task_id) do update set revision = excluded.revision, status = excluded.status, task = excluded.task, identity = excluded.identity
           where gateway.review_tasks.revision < excluded.revision`,
        [t.taskId, t.revision, t.status, t.villageCode, t.openedAt, JSON.stringify(rest), identity],
      );
    }
  }

  @EventPattern(TOPICS.personMerged)
  async onMerged(@Payload() batch: ConsumedEvent<PersonMergedV1>[]) {
    for (const { value: m } of batch) {
      const { rest, identity } = await sealIdentifiers(this.protector, m, PROTECTED.gateway.mergeIdentity);
      await this.db.query(
        `insert into gateway.merges (merge_id, survivor_id, merged_id, merged_at, merge, identity) values ($1, $2, $3, $4, $5, $6) on conflict (merge_id) do nothing`,
        [m.mergeId, m.survivorId, m.mergedId, m.occurredAt, JSON.stringify(rest), identity],
      );
    }
  }

  @EventPattern(TOPICS.personUnmerged)
  async onUnmerged(@Payload() batch: ConsumedEvent<PersonUnmergedV1>[]) {
    for (const { value: u } of batch) {
      await this.db.query('update gateway.merges set unmerged_at = $2 where merge_id = $1 and unmerged_at is null', [u.mergeId, u.occurredAt]);
    }
  }
}
