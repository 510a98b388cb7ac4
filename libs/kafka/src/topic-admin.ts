import { COMPACTED_TOPICS } from '@satupintu/contracts';
import type { Admin, Kafka } from 'kafkajs';
import { physicalName, type KafkaSettings } from './kafka-settings';

/** Creates the topics that are missing (idempotent). Partition counts come from configuration. */
export async function ensureTopics(kafka: Kafka, settings: KafkaSettings, logicalTopics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = [...new Set(logicalTopics)].filter((t) => !existing.has(physicalName(settings, t)));
    if (missing.length > 0) try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((t) => ({
          topic: physicalName(settings, t),
          numPartitions: settings.partitions,
          replicationFactor: -1,
          configEntries: COMPACTED_TOPICS.has(t) ? [{ name: 'cleanup.policy', value: 'compact' }] : [],
        })),
      });
    } catch (err) {
      // Another instance may have created them in the meantime; anything else is real.
      const after = new Set(await admin.listTopics());
      if (!missing.every((t) => after.has(physicalName(settings, t)))) throw err;
    }
    await waitForLeaders(admin, [...new Set(logicalTopics)].map((t) => physicalName(settings, t)));
  } finally {
    await admin.disconnect();
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
