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

  readonly httpRequests = this.counter('satupintu_http_requests_total', 'HTTP requests answered, by method, route template and status code.', ['method', 'route', 'status_code']);
  readonly httpDuration = this.histogram('satupintu_http_request_duration_seconds', 'Time to answer an HTTP request, by method and route template.', ['method', 'route'], [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);
  readonly httpInFlight = this.gauge('satupintu_http_in_flight_requests', 'HTTP requests being answered (sampled every 0.5 s; gateway).', []);
  readonly httpShed = this.counter('satupintu_http_shed_total', 'Requests refused with 503 OVERLOADED before being read, by reason (in-flight, event-loop, heap).', ['reason']);

  readonly consumerMessages = this.counter('satupintu_consumer_messages_total', 'Messages consumed and committed, by logical topic.', ['topic']);
  readonly consumerBatches = this.counter('satupintu_consumer_batches_total', 'Batches consumed and committed, by logical topic.', ['topic']);
  readonly consumerBatchDuration = this.histogram(
    'satupintu_consumer_batch_duration_seconds',
    'Time to process one batch (decode, handler with retries, dead-lettering, commit), by logical topic.',
    ['topic'],
    [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  );
  readonly consumerErrors = this.counter('satupintu_consumer_errors_total', 'Failed handler attempts, by logical topic and kind (transient: infrastructure; handler: anything else).', ['topic', 'kind']);
  readonly consumerRetries = this.counter('satupintu_consumer_retries_total', 'Batch or message retries after a failed attempt, by logical topic.', ['topic']);
  readonly consumerDeadLettered = this.counter('satupintu_consumer_dead_lettered_total', 'Messages sent to the dead-letter topic, by logical source topic and reason code.', ['topic', 'reason']);
  readonly consumerLag = this.gauge('satupintu_consumer_lag_messages', "Messages not yet committed by this instance's consumer group, per assigned partition.", ['topic', 'partition']);

  readonly producedMessages = this.counter('satupintu_producer_messages_total', 'Messages acknowledged by Kafka, by logical topic.', ['topic']);

  readonly outboxPublished = this.counter('satupintu_outbox_published_total', 'Outbox rows published to Kafka by this instance.', []);
  readonly outboxRelayDelay = this.histogram('satupintu_outbox_relay_delay_seconds', 'Time from an outbox row being committed to its acknowledgement by Kafka.', [], [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300]);
  readonly outboxBacklog = this.gauge('satupintu_outbox_backlog_rows', "Rows waiting in the service's outbox (counted up to 1,000,000).", []);
  readonly outboxOldestAge = this.gauge('satupintu_outbox_oldest_age_seconds', 'Age of the oldest row waiting in the outbox (0 when empty).', []);

  readonly dbPoolConnections = this.gauge('satupintu_db_pool_connections', 'PostgreSQL pool connections by state (total, idle, waiting: requests queued for a connection).', ['state']);
  readonly dbPoolMax = this.gauge('satupintu_db_pool_max_connections', 'Largest size of the PostgreSQL pool (DATABASE_POOL_SIZE).', []);

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
  }

  private counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  private gauge<L extends string>(name: string, help: string, labelNames: readonly L[]): Gauge<L> {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }

  private histogram<L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]): Histogram<L> {
    return new Histogram({ name, help, labelNames, buckets, registers: [this.registry] });
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
