import { TOPICS } from '@satupintu/contracts';
import { physicalName } from '@satupintu/kafka';
import type { Admin } from 'kafkajs';

/** Unconsumed messages of a consumer group on one topic (sum over partitions). */
export async function groupLag(admin: Admin, prefix: string, group: string, topic: string): Promise<number> {
  const physical = physicalName({ topicPrefix: prefix }, topic);
  const [ends, committed] = await Promise.all([
    admin.fetchTopicOffsets(physical),
    admin.fetchOffsets({ groupId: physicalName({ topicPrefix: prefix }, group), topics: [physical] }),
  ]);
  const done = new Map(committed[0]?.partitions.map((p) => [p.partition, Number(p.offset)]) ?? []);
  return ends.reduce((lag, p) => lag + Math.max(0, Number(p.high) - Math.max(0, done.get(p.partition) ?? 0)), 0);
}

/** True when every service has consumed everything in front of it. */
export async function pipelineDrained(admin: Admin, prefix: string): Promise<boolean> {
  const lags = await Promise.all([
    groupLag(admin, prefix, 'validation', TOPICS.familySubmitted),
    groupLag(admin, prefix, 'dedup', TOPICS.familyValidated),
    groupLag(admin, prefix, 'aggregation', TOPICS.familyChanged),
    groupLag(admin, prefix, 'eligibility', TOPICS.familyChanged),
  ]);
  return lags.every((l) => l === 0);
}
