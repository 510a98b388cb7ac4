import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The Prometheus metrics of one service process (prom-client), in its own registry. Names follow
 * the Prometheus conventions (`satupintu_` prefix, base units, `_total` for counters). Label values
 * are drawn from closed sets only: route templates, logical topic names, partitions, error codes,
 * states. No label ever carries a submitted value (NIK, KK, name, free text), and tests scan for it.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly collectors: Array<() => Promise<void> | void> = [];

  readonly httpRequests = new Counter({
    name: 'satupintu_http_requests_total',
    help: 'HTTP requests answered, by method, route template and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'satupintu_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method and route template.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly consumerMessages = new Counter({
    name: 'satupintu_consumer_messages_total',
    help: 'Messages consumed and committed, by logical topic.',
    labelNames: ['topic'] as const,
    registers: [this.registry],
  });
  readonly consumerBatches = new Counter({
    name: 'satupintu_consumer_batches_total',
    help: 'Batches consumed and committed, by logical topic.',
    labelNames: ['topic'] as const,
    registers: [this.registry],
  });
  readonly consumerBatchDuration = new Histogram({
    name: 'satupintu_consumer_batch_duration_seconds',
    help: 'Time to process one batch (decode, handler with retries, dead-lettering, commit), by logical topic.',
    labelNames: ['topic'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  readonly consumerErrors = new Counter({
    name: 'satupintu_consumer_errors_total',
    help: 'Failed handler attempts, by logical topic and kind (transient: infrastructure; handler: anything else).',
    labelNames: ['topic', 'kind'] as const,
    registers: [this.registry],
  });
  readonly consumerRetries = new Counter({
    name: 'satupintu_consumer_retries_total',
    help: 'Batch or message retries after a failed attempt, by logical topic.',
    labelNames: ['topic'] as const,
    registers: [this.registry],
  });
  readonly consumerDeadLettered = new Counter({
    name: 'satupintu_consumer_dead_lettered_total',
    help: 'Messages sent to the dead-letter topic, by logical source topic and reason code.',
    labelNames: ['topic', 'reason'] as const,
    registers: [this.registry],
  });
  readonly consumerLag = new Gauge({
    name: 'satupintu_consumer_lag_messages',
    help: "Messages not yet committed by this instance's consumer group, per assigned partition.",
    labelNames: ['topic', 'partition'] as const,
    registers: [this.registry],
  });

  readonly producedMessages = new Counter({
    name: 'satupintu_producer_messages_total',
    help: 'Messages acknowledged by Kafka, by logical topic.',
    labelNames: ['topic'] as const,
    registers: [this.registry],
  });

  readonly outboxPublished = new Counter({
    name: 'satupintu_outbox_published_total',
    help: 'Outbox rows published to Kafka by this instance.',
    registers: [this.registry],
  });
  readonly outboxRelayDelay = new Histogram({
    name: 'satupintu_outbox_relay_delay_seconds',
    help: 'Time from an outbox row being committed to its acknowledgement by Kafka.',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });
  readonly outboxBacklog = new Gauge({
    name: 'satupintu_outbox_backlog_rows',
    help: "Rows waiting in the service's outbox (counted up to 1,000,000).",
    registers: [this.registry],
  });
  readonly outboxOldestAge = new Gauge({
    name: 'satupintu_outbox_oldest_age_seconds',
    help: 'Age of the oldest row waiting in the outbox (0 when empty).',
    registers: [this.registry],
  });

  readonly dbPoolConnections = new Gauge({
    name: 'satupintu_db_pool_connections',
    help: 'PostgreSQL pool connections by state (total, idle, waiting: requests queued for a connection).',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });
  readonly dbPoolMax = new Gauge({
    name: 'satupintu_db_pool_max_connections',
    help: 'Largest size of the PostgreSQL pool (DATABASE_POOL_SIZE).',
    registers: [this.registry],
  });

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
  }

  /** Runs `collect` before each scrape (for gauges read from elsewhere); a failing one is skipped. */
  onScrape(collect: () => Promise<void> | void): void {
    this.collectors.push(collect);
  }

  async render(): Promise<string> {
    await Promise.all(
      this.collectors.map(async (collect) => {
        try {
          await collect();
        } catch {
          // a source that cannot answer (database down) leaves its gauges at their last values
        }
      }),
    );
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/** The hooks the Kafka and outbox code call; ServiceMetrics implements them, tests may pass none. */
export interface ConsumerInstrumentation {
  batch(topic: string, messages: number, seconds: number): void;
  error(topic: string, kind: 'transient' | 'handler'): void;
  retry(topic: string): void;
  deadLettered(topic: string, reason: string, count: number): void;
}

export function consumerInstrumentation(m: ServiceMetrics): ConsumerInstrumentation {
  return {
    batch: (topic, messages, seconds) => {
      m.consumerBatches.inc({ topic });
      m.consumerMessages.inc({ topic }, messages);
      m.consumerBatchDuration.observe({ topic }, seconds);
    },
    error: (topic, kind) => m.consumerErrors.inc({ topic, kind }),
    retry: (topic) => m.consumerRetries.inc({ topic }),
    deadLettered: (topic, reason, count) => m.consumerDeadLettered.inc({ topic, reason }, count),
  };
}
