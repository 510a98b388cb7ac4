import { CompressionTypes, Partitioners, type Kafka, type Producer } from 'kafkajs';
import { physicalName, type KafkaSettings } from './kafka-settings';
import type { Headers } from './event-codec';

/** A message ready to send; `topic` is the logical name and `value` is already-encoded JSON (null: a tombstone). */
export interface OutgoingMessage {
  topic: string;
  key: string;
  value: string | null;
  headers?: Headers;
}

/** Idempotent producer that waits for all in-sync replicas. */
export class EventProducer {
  private readonly producer: Producer;
  private connected = false;
  /** Called with each acknowledged send, per logical topic (metrics). */
  onSent?: (topic: string, count: number) => void;

  constructor(
    kafka: Kafka,
    private readonly settings: KafkaSettings,
  ) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      // An idempotent producer must not give up on a message (kafkajs warns otherwise); backoff is capped.
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 200, maxRetryTime: 10_000 },
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  async connect(): Promise<void> {
    if (!this.connected) {
      await this.producer.connect();
      this.connected = true;
    }
  }

  async disconnect(): Promise<void> {
    if (this.connected) {
      this.connected = false;
      await this.producer.disconnect();
    }
  }

  /** Sends all messages in one request per broker; resolves when every one is acknowledged. */
  async send(messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.connect();
    const byTopic = new Map<string, OutgoingMessage[]>();
    for (const m of messages) {
      const list = byTopic.get(m.topic) ?? [];
      list.push(m);
      byTopic.set(m.topic, list);
    }
    await this.producer.sendBatch({
      acks: -1,
      compression: CompressionTypes.None,
      topicMessages: [...byTopic].map(([topic, list]) => ({
        topic: physicalName(this.settings, topic),
        messages: list.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
      })),
    });
    if (this.onSent) for (const [topic, list] of byTopic) this.onSent(topic, list.length);
  }
}
