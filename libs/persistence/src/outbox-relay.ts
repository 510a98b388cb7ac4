import type { DataSource } from 'typeorm';

/** What the relay needs from a producer (EventProducer in @satupintu/kafka satisfies it). */
export interface MessageSink {
  send(messages: Array<{ topic: string; key: string; value: string; headers?: Record<string, string> }>): Promise<void>;
}

export interface OutboxRelayOptions {
  schema: string;
  batchSize?: number;
  idleDelayMs?: number;
  /** Upper bound of one produce request's payload. */
  maxBatchBytes?: number;
  onError?: (err: unknown) => void;
  /** Called after each published batch with the seconds each row waited since it was committed (metrics). */
  onPublished?: (delaysSeconds: number[]) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Publishes outbox rows in id order and deletes them once Kafka has acknowledged them. One relay per
 * schema runs at a time (PostgreSQL advisory lock held by a dedicated connection), which keeps the
 * per-family order of events even when several instances of a service run. A crash between publish
 * and delete republishes rows: consumers deduplicate by event id.
 */
export class OutboxRelay {
  private stopping = false;
  private loop?: Promise<void>;
  published = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly sink: MessageSink,
    private readonly options: OutboxRelayOptions,
  ) {}

  start(): void {
    this.loop = this.run();
  }

  /** Publishes what is left (best effort), then releases the lock. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop;
  }

  private async run(): Promise<void> {
    const lockKey = `outbox:${this.options.schema}`;
    while (!this.stopping) {
      const runner = this.dataSource.createQueryRunner();
      try {
        await runner.connect();
        const [{ locked }] = await runner.query('select pg_try_advisory_lock(hashtext($1)) as locked', [lockKey]);
        if (!locked) {
          await runner.release();
          await sleep(1_000);
          continue;
        }
        try {
          while (!this.stopping) {
            const n = await this.publishOnce();
            if (n === 0) await sleep(this.options.idleDelayMs ?? 50);
          }
          // Drain what committed before stop was asked.
          while ((await this.publishOnce()) > 0);
        } finally {
          await runner.query('select pg_advisory_unlock(hashtext($1))', [lockKey]).catch(() => undefined);
        }
      } catch (err) {
        this.options.onError?.(err);
        await sleep(500);
      } finally {
        if (!runner.isReleased) await runner.release();
      }
    }
  }

  /** Publishes one batch; returns how many rows it published. */
  async publishOnce(): Promise<number> {
    const schema = this.options.schema;
    const rows: Array<{ id: string; topic: string; key: string; value: string; headers: Record<string, string>; waited: number }> =
      await this.dataSource.query(
        `select id, topic, key, value, headers, extract(epoch from clock_timestamp() - created_at) as waited from "${schema}".outbox order by id limit $1`,
        [this.options.batchSize ?? 1000],
      );
    if (rows.length === 0) return 0;
    // Keep each produce request well under the broker's message.max.bytes (1 MiB by default).
    const maxBytes = this.options.maxBatchBytes ?? 512 * 1024;
    let bytes = 0;
    let take = 0;
    while (take < rows.length && (take === 0 || bytes + rows[take].value.length <= maxBytes)) bytes += rows[take++].value.length;
    rows.length = take;
    const sendStarted = Date.now();
    await this.sink.send(rows.map((r) => ({ topic: r.topic, key: r.key, value: r.value, headers: r.headers })));
    await this.dataSource.query(`delete from "${schema}".outbox where id = any($1::bigint[])`, [rows.map((r) => r.id)]);
    this.published += rows.length;
    const sendSeconds = (Date.now() - sendStarted) / 1000;
    this.options.onPublished?.(rows.map((r) => Math.max(0, Number(r.waited)) + sendSeconds));
    return rows.length;
  }
}

/**
 * Publishes everything in a schema's outbox once, if no relay holds the schema's lock (a running
 * service instance then publishes it). For command-line jobs. Returns the count, or null when
 * another relay is active.
 */
export async function drainOutbox(dataSource: DataSource, sink: MessageSink, schema: string): Promise<number | null> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  const lockKey = `outbox:${schema}`;
  try {
    const [{ locked }] = await runner.query('select pg_try_advisory_lock(hashtext($1)) as locked', [lockKey]);
    if (!locked) return null;
    try {
      const relay = new OutboxRelay(dataSource, sink, { schema });
      let total = 0;
      for (let n = await relay.publishOnce(); n > 0; n = await relay.publishOnce()) total += n;
      return total;
    } finally {
      await runner.query('select pg_advisory_unlock(hashtext($1))', [lockKey]);
    }
  } finally {
    await runner.release();
  }
}
