import { isCompactedTopic } from '@satupintu/contracts';
import type { Admin, Kafka } from 'kafkajs';
import { partitionsOf, physicalName, type KafkaSettings } from './kafka-settings';

/** Creates the topics that are missing (idempotent). Partition counts come from configuration. */
export async function ensureTopics(kafka: Kafka, settings: KafkaSettings, logicalTopics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await listTopics(admin));
    const missing = [...new Set(logicalTopics)].filter((t) => !existing.has(physicalName(settings, t)));
    let creationError: unknown;
    if (missing.length > 0) {
      try {
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((t) => ({
            topic: physicalName(settings, t),
            numPartitions: partitionsOf(settings, t),
            replicationFactor: -1,
            configEntries: isCompactedTopic(t) ? [{ name: 'cleanup.policy', value: 'compact' }] : [],
          })),
        });
      } catch (err) {
        // Another instance may be creating them at the same moment, or the broker's metadata may lag
        // behind the creation (UNKNOWN_TOPIC_OR_PARTITION while kafkajs waits for leaders): waiting
        // below settles both. Topics that never get leaders are reported with this error.
        creationError = err;
      }
    }
    await waitForLeaders(admin, [...new Set(logicalTopics)].map((t) => physicalName(settings, t))).catch((err: unknown) => {
      throw creationError ?? err;
    });
  } finally {
    await admin.disconnect();
  }
}

/**
 * Every topic name. While another client is creating topics, the broker answers a full metadata
 * request with an error for the topics not yet placed (UNKNOWN_TOPIC_OR_PARTITION), which kafkajs
 * raises: seen when several services start at once. Asked again until the creation settles.
 */
async function listTopics(admin: Admin, timeoutMs = 30_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await admin.listTopics();
    } catch (err) {
      if ((err as { type?: string }).type !== 'UNKNOWN_TOPIC_OR_PARTITION' || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** Waits until every partition of the topics has a leader (a topic just created may not yet). */
async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: meta } = await admin.fetchTopicMetadata({ topics });
      if (meta.length === topics.length && meta.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline) throw new Error(`topics have no leader after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A partition's position for a consumer group. */
export interface PartitionPosition {
  partition: number;
  /** The group's committed offset; -1 when it never committed. */
  committed: number;
  /** The log end offset (high watermark). */
  end: number;
  /** Messages after the committed offset (after the log start when the group never committed). */
  lag: number;
}

/** Lag per partition from a topic's offsets and a group's committed offsets, as kafkajs' admin returns them. */
export function partitionPositions(
  ends: ReadonlyArray<{ partition: number; high: string; low: string }>,
  committed: ReadonlyArray<{ partition: number; offset: string }>,
): PartitionPosition[] {
  const at = new Map(committed.map((p) => [p.partition, Number(p.offset)]));
  return ends.map((e) => {
    const c = at.get(e.partition) ?? -1;
    return { partition: e.partition, committed: c, end: Number(e.high), lag: Math.max(0, Number(e.high) - (c >= 0 ? c : Number(e.low))) };
  });
}
