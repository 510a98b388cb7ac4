import { HEADERS } from '@satupintu/contracts';
import { EventProducer, headersToStrings } from '@satupintu/kafka';
import type { Consumer } from 'kafkajs';
import type { TestStack } from './stack';

export interface TappedMessage<T = unknown> {
  key: string | null;
  value: T;
  headers: Record<string, string>;
  partition: number;
  offset: string;
}

/** Reads every message of a topic from the beginning into memory (a test's own consumer group). */
export class TopicTap<T = unknown> {
  readonly messages: TappedMessage<T>[] = [];
  private consumer?: Consumer;

  constructor(
    private readonly stack: TestStack,
    private readonly logicalTopic: string,
  ) {}

  async start(): Promise<this> {
    this.consumer = this.stack.kafka.consumer({ groupId: `${this.stack.prefix}tap-${this.logicalTopic}-${Math.random().toString(36).slice(2)}` });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.stack.topic(this.logicalTopic), fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ message, partition }) => {
        const raw = message.value?.toString('utf8') ?? '';
        let value: unknown = raw;
        try {
          value = JSON.parse(raw);
        } catch {
          // keep raw
        }
        this.messages.push({ key: message.key?.toString('utf8') ?? null, value: value as T, headers: headersToStrings(message.headers), partition, offset: message.offset });
      },
    });
    return this;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}

/** Produces raw messages to a logical topic of the stack (creates no topics). */
export async function produce(stack: TestStack, logicalTopic: string, messages: Array<{ key: string; value: string; correlationId?: string }>) {
  const producer = new EventProducer(stack.kafka, stack.kafkaSettings);
  await producer.connect();
  try {
    await producer.send(
      messages.map((m) => ({ topic: logicalTopic, key: m.key, value: m.value, headers: m.correlationId ? { [HEADERS.correlationId]: m.correlationId } : ({} as Record<string, string>) })),
    );
  } finally {
    await producer.disconnect();
  }
}
