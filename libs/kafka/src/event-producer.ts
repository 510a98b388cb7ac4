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

  /**
   * Sends the messages, in order, in requests of at most REQUEST_BYTES each (a request's record
   * batch for one partition must stay under the broker's `message.max.bytes`, 1 MiB by default,
   * however large the consumer batch that produced them); resolves when every one is acknowledged.
   */
  async send(messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.connect();
    let start = 0;
    let bytes = 0;
    for (let i = 0; i < messages.length; i++) {
      const size = messageBytes(messages[i]);
      if (i > start && bytes + size > REQUEST_BYTES) {
        await this.sendRequest(messages.slice(start, i));
        start = i;
        bytes = 0;
      }
      bytes += size;
    }
    await this.sendRequest(messages.slice(start));
  }

  /** One request (one per broker underneath). */
  private async sendRequest(messages: OutgoingMessage[]): Promise<void> {
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

/** Bytes of messages per produce request: half the broker's default `message.max.bytes`, for headroom. */
export const REQUEST_BYTES = 512 * 1024;

/** A message's size on the wire, near enough (a key, value or header may be absent, a string or bytes). */
function messageBytes(m: OutgoingMessage): number {
  const size = (v: unknown): number => (v === null || v === undefined ? 0 : Buffer.isBuffer(v) ? v.length : Array.isArray(v) ? v.reduce((s: number, x) => s + size(x), 0) : Buffer.byteLength(String(v)));
  let n = size(m.value) + size(m.key) + 64;
  for (const [k, v] of Object.entries(m.headers ?? {})) n += k.length + size(v);
  return n;
}
