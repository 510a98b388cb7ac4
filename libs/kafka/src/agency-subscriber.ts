import { AgencyFamilyEventV1, CLOUD_EVENT_HEADERS, type GrantedFamily } from '@satupintu/contracts';
import type { Consumer, Kafka } from 'kafkajs';
import { headersToStrings } from './event-codec';

/** One message of an agency topic: CloudEvents attributes from the headers, the data parsed. */
export interface AgencyMessage {
  partition: number;
  offset: string;
  key: string | null;
  type: string | undefined;
  id: string | undefined;
  headers: Record<string, string>;
  /** Parsed JSON value; null for a snapshot tombstone. */
  data: unknown;
}

export type StartAt = 'earliest' | 'latest' | { time: number } | { offsets: Array<{ partition: number; offset: string }> };

/**
 * The reference subscriber of an agency's topics (docs/subscriptions.md): what an agency's own
 * system does, in Node. Used by the CLI and the tests; other languages follow the same steps.
 */
export class AgencySubscriber {
  /** The family views this subscriber holds, by family id, with the sequence each came with. */
  readonly families = new Map<string, { sequence: number; family: GrantedFamily }>();
  private readonly sequences = new Map<string, number>();
  private consumer?: Consumer;

  constructor(
    private readonly kafka: Kafka,
    private readonly topics: { changes: string; snapshot: string },
  ) {}

  /** Applies one family event: only when newer than what is held (replays and duplicates change nothing). */
  apply(event: AgencyFamilyEventV1): boolean {
    const held = this.sequences.get(event.familyId) ?? 0;
    if (event.sequence <= held) return false;
    this.sequences.set(event.familyId, event.sequence);
    if (event.family) this.families.set(event.familyId, { sequence: event.sequence, family: event.family });
    else this.families.delete(event.familyId);
    return true;
  }

  /**
   * Bootstrap: note the end offsets of the changes topic, load the snapshot topic to its end, then
   * follow the changes from the noted offsets. The service writes a family's snapshot record before
   * its change event, so every change before the noted offsets is already in the snapshot.
   */
  async bootstrap(groupId: string, onMessage?: (m: AgencyMessage) => void): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    let from: Array<{ partition: number; offset: string }>;
    try {
      from = (await admin.fetchTopicOffsets(this.topics.changes)).map((p) => ({ partition: p.partition, offset: p.high }));
    } finally {
      await admin.disconnect();
    }
    for (const m of await readToEnd(this.kafka, this.topics.snapshot, `${groupId}-snapshot`)) {
      if (m.data === null) {
        if (m.key) this.families.delete(m.key);
        continue;
      }
      const parsed = AgencyFamilyEventV1.safeParse(m.data);
      if (parsed.success) this.apply(parsed.data);
    }
    await this.follow(groupId, { offsets: from }, onMessage);
  }

  /** Follows the changes topic from a position (the beginning, the end, a time, or offsets), applying family events. */
  async follow(groupId: string, start: StartAt, onMessage?: (m: AgencyMessage) => void): Promise<void> {
    const offsets = await this.resolve(start);
    this.consumer = this.kafka.consumer({ groupId, allowAutoTopicCreation: false, retry: { retries: 2 } });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.topics.changes], fromBeginning: start === 'earliest' });
    await this.consumer.run({
      eachMessage: async ({ partition, message }) => {
        const m = toAgencyMessage(partition, message);
        if (m.data && (m.type?.includes('.family.') ?? false)) {
          const parsed = AgencyFamilyEventV1.safeParse(m.data);
          if (parsed.success) this.apply(parsed.data);
        }
        onMessage?.(m);
      },
    });
    if (offsets) for (const o of offsets) this.consumer.seek({ topic: this.topics.changes, partition: o.partition, offset: o.offset });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }

  private async resolve(start: StartAt): Promise<Array<{ partition: number; offset: string }> | null> {
    if (start === 'earliest') return null;
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      if (start === 'latest') return (await admin.fetchTopicOffsets(this.topics.changes)).map((p) => ({ partition: p.partition, offset: p.high }));
      if ('time' in start) return (await admin.fetchTopicOffsetsByTimestamp(this.topics.changes, start.time)).map((p) => ({ partition: p.partition, offset: p.offset }));
      return start.offsets;
    } finally {
      await admin.disconnect();
    }
  }
}

function toAgencyMessage(partition: number, message: { offset: string; key: Buffer | null; value: Buffer | null; headers?: Parameters<typeof headersToStrings>[0] }): AgencyMessage {
  const headers = headersToStrings(message.headers);
  let data: unknown = null;
  if (message.value) {
    try {
      data = JSON.parse(message.value.toString('utf8'));
    } catch {
      data = undefined;
    }
  }
  return { partition, offset: message.offset, key: message.key?.toString('utf8') ?? null, type: headers[CLOUD_EVENT_HEADERS.type], id: headers[CLOUD_EVENT_HEADERS.id], headers, data };
}

/**
 * Every message of a topic from its beginning up to its end offsets at the time of the call.
 */
export async function readToEnd(kafka: Kafka, topic: string, groupId: string): Promise<AgencyMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  let ends: Map<number, bigint>;
  let starts: Map<number, bigint>;
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    ends = new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
    starts = new Map(offsets.map((o) => [o.partition, BigInt(o.low)]));
  } finally {
    await admin.disconnect();
  }
  const pending = new Set([...ends].filter(([p, end]) => end > (starts.get(p) ?? 0n)).map(([p]) => p));
  const out: AgencyMessage[] = [];
  if (pending.size === 0) return out;
  // kafkajs reads through a consumer group (it has no assign()); nothing is ever committed.
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const done = new Promise<void>((resolve, reject) => {
      consumer.on(consumer.events.CRASH, (e) => reject(e.payload.error));
      void consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          if (!pending.has(partition)) return;
          out.push(toAgencyMessage(partition, message));
          if (BigInt(message.offset) + 1n >= (ends.get(partition) ?? 0n)) {
            pending.delete(partition);
            if (pending.size === 0) resolve();
          }
        },
      });
    });
    await done;
  } finally {
    await consumer.disconnect();
  }
  return out;
}
