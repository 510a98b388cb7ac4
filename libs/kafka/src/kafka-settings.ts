import { Kafka, logLevel, type LogEntry, type SASLOptions } from 'kafkajs';
import type { Logger } from '@satupintu/observability';

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  /** Prepended to every logical topic and group name (isolates deployments or test runs). */
  topicPrefix: string;
  /** Partitions for topics this deployment creates. */
  partitions: number;
  /** Partitions of particular logical topics, overriding `partitions` (the busy ones get more). */
  topicPartitions?: Readonly<Record<string, number>>;
  /** SASL credentials of this client's principal; absent on a broker without authentication. */
  sasl?: KafkaCredentials;
}

export interface KafkaCredentials {
  mechanism: 'scram-sha-256' | 'scram-sha-512';
  username: string;
  password: string;
}

export function physicalName(settings: Pick<KafkaSettings, 'topicPrefix'>, logical: string): string {
  return `${settings.topicPrefix}${logical}`;
}

/** How many partitions a logical topic is created with. */
export function partitionsOf(settings: Pick<KafkaSettings, 'partitions' | 'topicPartitions'>, logical: string): number {
  return settings.topicPartitions?.[logical] ?? settings.partitions;
}

export function logicalName(settings: Pick<KafkaSettings, 'topicPrefix'>, physical: string): string {
  return physical.startsWith(settings.topicPrefix) ? physical.slice(settings.topicPrefix.length) : physical;
}

/** The one place a kafkajs client is made: swapping the client library means changing this folder. */
export function createKafka(settings: KafkaSettings, logger: Logger): Kafka {
  const log = logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    ...(settings.sasl ? { sasl: saslOptions(settings.sasl) } : {}),
    logLevel: logLevel.WARN,
    retry: { initialRetryTime: 200, retries: 8 },
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, error } = entry;
        const fields = { kafkaError: typeof error === 'string' ? error : undefined };
        if (level === logLevel.ERROR) log.error(fields, message);
        else if (level === logLevel.WARN) log.warn(fields, message);
        else log.debug(fields, message);
      },
  });
}

function saslOptions(c: KafkaCredentials): SASLOptions {
  return c.mechanism === 'scram-sha-256'
    ? { mechanism: 'scram-sha-256', username: c.username, password: c.password }
    : { mechanism: 'scram-sha-512', username: c.username, password: c.password };
}
