import { HEADERS, deadLetterTopic } from '@satupintu/contracts';
import { endProcessSpans, startProcessSpans, type ConsumerInstrumentation, type Logger } from '@satupintu/observability';
import type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { correlationOf, decodeEvent, headersToStrings, type ConsumedEvent, type Headers } from './event-codec';
import type { EventProducer, OutgoingMessage } from './event-producer';
import { describeError, isTransientError } from './errors';
import { logicalName, physicalName, type KafkaSettings } from './kafka-settings';
import { partitionPositions } from './topic-admin';

export type BatchHandler = (events: ConsumedEvent[]) => Promise<void>;

export interface BatchConsumerOptions {
  groupId: string;
  /** Handler per logical topic. A handler receives the valid messages of one partition's batch. */
  handlers: Map<string, BatchHandler>;
  /** Attempts of a failing batch before it is split into single messages. */
  maxAttempts?: number;
  retryBaseMs?: number;
  fromBeginning?: boolean;
  maxBytesPerPartition?: number;
  sessionTimeoutMs?: number;
  /** Longest pause between tries of a batch whose dependency is down (exponential from retryBaseMs). */
  transientMaxDelayMs?: number;
  /** Metrics hooks (batches, errors, retries, dead letters); never given message contents. */
  instrumentation?: ConsumerInstrumentation;
}

/** Uncommitted messages of one partition assigned to this consumer. */
export interface PartitionLag {
  topic: string;
  partition: number;
  lag: number;
}

export interface ConsumerStats {
  batches: number;
  messages: number;
  deadLettered: number;
  retries: number;
}

const countBy = (values: string[]) => values.reduce((m, v) => m.set(v, (m.get(v) ?? 0) + 1), new Map<string, number>());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Protocol errors of a heartbeat that mean "the group is rebalancing": give the batch back. */
const REJOIN_ERRORS = new Set(['REBALANCE_IN_PROGRESS', 'UNKNOWN_MEMBER_ID', 'ILLEGAL_GENERATION', 'NOT_COORDINATOR', 'FENCED_INSTANCE_ID']);

/**
 * Waiting out a dependency outage inside one batch: capped exponential pauses, a heartbeat after
 * each (so the member is not dropped from its group), a log line when it starts, every 30 s while it
 * lasts, and when it ends (never one per try).
 */
class OutageWait {
  private tries = 0;
  private since = 0;
  private lastLog = 0;

  constructor(
    private readonly baseMs: number,
    private readonly maxMs: number,
  ) {}

  async wait(logger: Logger, topic: string, err: unknown, isRunning: () => boolean, heartbeat: () => Promise<void>): Promise<void> {
    const now = Date.now();
    if (this.tries === 0) this.since = now;
    if (this.tries === 0 || now - this.lastLog >= 30_000) {
      logger.warn({ topic, ...describeError(err), tries: this.tries + 1, waitingMs: now - this.since }, 'a dependency is unavailable: the batch waits and tries again');
      this.lastLog = now;
    }
    this.tries += 1;
    if (!isRunning()) throw err;
    await sleep(Math.min(this.maxMs, this.baseMs * 2 ** Math.min(this.tries - 1, 10)));
    if (!isRunning()) throw err;
    try {
      await heartbeat();
    } catch (hb) {
      const type = (hb as { type?: unknown }).type;
      if (typeof type === 'string' && REJOIN_ERRORS.has(type)) throw hb; // kafkajs rejoins; the batch is not committed
      // The broker itself is unreachable: keep waiting, the heartbeat is tried again next time.
    }
  }

  ended(logger: Logger, topic: string): void {
    if (this.tries === 0) return;
    logger.info({ topic, tries: this.tries, waitedMs: Date.now() - this.since }, 'the dependency is back: the batch went through');
    this.tries = 0;
  }
}

/**
 * Consumes Kafka in batches with at-least-once delivery:
 * - every message is decoded and schema-checked at the boundary; a poison message goes straight to
 *   the group's dead-letter topic with the reason in its headers, and the rest of the batch goes on;
 * - a failing batch is retried with exponential backoff; if it keeps failing it is processed message
 *   by message so that only the messages that fail on their own are dead-lettered;
 * - a transient failure (database, Redis or broker unavailable: @satupintu/faults) is never
 *   dead-lettered and costs no attempt: the batch waits in place, heartbeating, until the dependency
 *   is back, so an outage of minutes neither dead-letters good messages nor drops the member;
 * - offsets are committed after the handler's effects are durable, so handlers must be idempotent
 *   (the services use an inbox keyed by event id).
 */
export class BatchConsumer {
  private readonly consumer: Consumer;
  readonly stats: ConsumerStats = { batches: 0, messages: 0, deadLettered: 0, retries: 0 };
  private running = false;
  /** Partitions assigned to this member at the last rebalance, by physical topic. */
  private assignment: Record<string, number[]> = {};
  private admin?: Admin;

  constructor(
    private readonly kafka: Kafka,
    private readonly settings: KafkaSettings,
    private readonly producer: EventProducer,
    private readonly options: BatchConsumerOptions,
    private readonly logger: Logger,
  ) {
    this.consumer = kafka.consumer({
      groupId: physicalName(settings, options.groupId),
      sessionTimeout: options.sessionTimeoutMs ?? 15_000,
      heartbeatInterval: 3_000,
      maxBytesPerPartition: options.maxBytesPerPartition ?? 2 * 1024 * 1024,
      allowAutoTopicCreation: false,
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      this.assignment = payload.memberAssignment;
    });
  }

  get deadLetterTopic(): string {
    return deadLetterTopic(this.options.groupId);
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: [...this.options.handlers.keys()].map((t) => physicalName(this.settings, t)),
      fromBeginning: this.options.fromBeginning ?? true,
    });
    this.running = true;
    await this.consumer.run({
      eachBatchAutoResolve: false,
      autoCommit: true,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.onBatch(payload),
    });
  }

  /** Leaves the group cleanly after the batch in progress has been committed. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.consumer.disconnect();
    this.assignment = {};
    await this.admin?.disconnect().catch(() => undefined);
  }

  /** Lag of every partition this instance holds: the log end offset minus the group's committed offset. */
  async lag(): Promise<PartitionLag[]> {
    const topics = Object.keys(this.assignment).filter((t) => this.assignment[t].length > 0);
    if (topics.length === 0) return [];
    if (!this.admin) {
      this.admin = this.kafka.admin();
      await this.admin.connect();
    }
    const admin = this.admin;
    const groupId = physicalName(this.settings, this.options.groupId);
    const committed = await admin.fetchOffsets({ groupId, topics });
    const out: PartitionLag[] = [];
    for (const topic of topics) {
      const mine = new Set(this.assignment[topic]);
      const positions = partitionPositions(await admin.fetchTopicOffsets(topic), committed.find((c) => c.topic === topic)?.partitions ?? []);
      for (const { partition, lag } of positions) if (mine.has(partition)) out.push({ topic: logicalName(this.settings, topic), partition, lag });
    }
    return out;
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale } = payload;
    if (batch.messages.length === 0) return;
    const started = Date.now();
    const topic = logicalName(this.settings, batch.topic);
    const handler = this.options.handlers.get(topic);
    const dead: OutgoingMessage[] = [];
    const valid: ConsumedEvent[] = [];

    for (const message of batch.messages) {
      const decoded = decodeEvent(topic, message);
      if (!decoded.ok) {
        dead.push(this.deadLetter(topic, batch.partition, message, decoded.code, decoded.detail));
        continue;
      }
      const headers = headersToStrings(message.headers);
      valid.push({
        topic,
        partition: batch.partition,
        offset: message.offset,
        key: message.key?.toString('utf8') ?? null,
        value: decoded.value,
        headers,
        correlationId: correlationOf(headers),
      });
    }

    if (handler && valid.length > 0) {
      const spans = startProcessSpans(valid, this.options.groupId);
      let failed: Array<{ event: ConsumedEvent; error: unknown }>;
      try {
        failed = await this.runWithRetries(topic, handler, valid, heartbeat, isRunning);
      } catch (err) {
        endProcessSpans(spans, true);
        throw err;
      }
      endProcessSpans(spans, failed.length > 0);
      for (const { event, error } of failed) {
        const described = describeError(error);
        dead.push(
          this.deadLetter(topic, batch.partition, this.rawOf(batch.messages, event.offset), 'HANDLER_FAILED', described.errorType + (described.errorCode ? ` ${described.errorCode}` : '')),
        );
      }
    }

    if (dead.length > 0) {
      await this.producer.send(dead);
      this.stats.deadLettered += dead.length;
      for (const [reason, count] of countBy(dead.map((d) => d.headers?.[HEADERS.errorCode] ?? 'UNKNOWN'))) {
        this.options.instrumentation?.deadLettered(topic, reason, count);
      }
      this.logger.warn({ topic, partition: batch.partition, count: dead.length, dlq: this.deadLetterTopic }, 'messages dead-lettered');
    }
    if (!isRunning() || isStale()) return;
    resolveOffset(batch.lastOffset());
    await commitOffsetsIfNecessary();
    this.stats.batches += 1;
    this.stats.messages += batch.messages.length;
    this.options.instrumentation?.batch(topic, batch.messages.length, (Date.now() - started) / 1000);
  }

  /**
   * Returns the events that failed on their own after every attempt: the batch gets `maxAttempts`,
   * then each of its messages two. A transient failure (a dependency down) is not an attempt: the
   * batch waits for the dependency in place, heartbeating so this member keeps its partitions, and
   * throws only when the consumer stops or the group rebalances (the batch is then uncommitted and
   * comes again, here or on another member).
   */
  private async runWithRetries(
    topic: string,
    handler: BatchHandler,
    events: ConsumedEvent[],
    heartbeat: () => Promise<void>,
    isRunning: () => boolean,
  ): Promise<Array<{ event: ConsumedEvent; error: unknown }>> {
    const outage = new OutageWait(this.options.retryBaseMs ?? 200, this.options.transientMaxDelayMs ?? 5_000);
    const run = (batch: ConsumedEvent[], attempts: number, splitAfter: boolean) => this.attempt(topic, handler, batch, attempts, splitAfter, outage, heartbeat, isRunning);
    const error = await run(events, this.options.maxAttempts ?? 3, events.length > 1);
    if (error === undefined) return [];
    if (events.length === 1) return [{ event: events[0], error }];
    const failed: Array<{ event: ConsumedEvent; error: unknown }> = [];
    for (const event of events) {
      const own = await run([event], 2, false);
      if (own !== undefined) failed.push({ event, error: own });
      await heartbeat();
    }
    return failed;
  }

  /**
   * Runs the handler on `events` until it succeeds (undefined) or fails `attempts` times other than
   * transiently (the last error). Transient failures wait in place and are not counted. With
   * `splitAfter`, the last failure also pauses, since the messages are tried one by one next.
   */
  private async attempt(
    topic: string,
    handler: BatchHandler,
    events: ConsumedEvent[],
    attempts: number,
    splitAfter: boolean,
    outage: OutageWait,
    heartbeat: () => Promise<void>,
    isRunning: () => boolean,
  ): Promise<unknown> {
    const base = this.options.retryBaseMs ?? 200;
    for (let attempt = 1; ; ) {
      try {
        await handler(events);
        outage.ended(this.logger, topic);
        return undefined;
      } catch (err) {
        if (isTransientError(err)) {
          this.failedAttempt(topic, err);
          await outage.wait(this.logger, topic, err, isRunning, heartbeat);
          continue;
        }
        const last = attempt >= attempts;
        this.failedAttempt(topic, err, !last || splitAfter);
        if (last && !splitAfter) return err;
        this.logger.warn({ ...describeError(err), attempt, size: events.length }, 'batch handler failed');
        if (!isRunning()) throw err;
        await sleep(base * 2 ** (attempt - 1));
        await heartbeat();
        if (last) return err; // the messages are tried one by one next
        attempt += 1;
      }
    }
  }

  /** Counts a failed attempt, and the retry that follows it unless it was the last. */
  private failedAttempt(topic: string, err: unknown, retried = true): void {
    this.options.instrumentation?.error(topic, isTransientError(err) ? 'transient' : 'handler');
    if (!retried) return;
    this.stats.retries += 1;
    this.options.instrumentation?.retry(topic);
  }

  private rawOf(messages: KafkaMessage[], offset: string): KafkaMessage {
    return messages.find((m) => m.offset === offset) as KafkaMessage;
  }

  private deadLetter(topic: string, partition: number, message: KafkaMessage, code: string, detail: string): OutgoingMessage {
    const headers: Headers = {
      ...headersToStrings(message.headers),
      [HEADERS.errorCode]: code,
      [HEADERS.error]: detail.slice(0, 500),
      [HEADERS.sourceTopic]: topic,
      [HEADERS.sourcePartition]: String(partition),
      [HEADERS.sourceOffset]: message.offset,
    };
    return {
      topic: this.deadLetterTopic,
      key: message.key?.toString('utf8') ?? '',
      value: message.value?.toString('utf8') ?? '',
      headers,
    };
  }
}
