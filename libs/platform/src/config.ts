import type { KafkaSettings } from '@satupintu/kafka';
import { protectorFromEnv, type Protector } from '@satupintu/protection';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * Configuration shared by every service, read from the environment once at start-up. Defaults
 * point at the local stack (tools/stack/infra.sh); docker-compose.yml and deploy/ set the same
 * variables. This file (with each service's config/) is the only place that reads process.env.
 */
export const BaseConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HTTP_HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).optional(),
  KAFKA_BROKERS: z
    .string()
    .default('127.0.0.1:59092')
    .transform((s) => s.split(',').map((b) => b.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, 'host:port')).min(1)),
  KAFKA_TOPIC_PREFIX: z.string().regex(/^[A-Za-z0-9._-]*$/).default(''),
  KAFKA_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(6),
  /** Per-topic partition counts, `topic=n,topic=n` (logical names); the rest get KAFKA_PARTITIONS. */
  KAFKA_TOPIC_PARTITIONS: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((p) => p.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[a-z0-9.-]+=\d{1,4}$/, 'topic=partitions')))
    .transform((pairs) => Object.fromEntries(pairs.map((p) => [p.split('=')[0], Number(p.split('=')[1])])) as Record<string, number>)
    .refine((m) => Object.values(m).every((n) => n >= 1 && n <= 1000), 'partitions between 1 and 1000'),
  /** SASL mechanism of the service's Kafka principal; `none` only for a broker without authentication. */
  KAFKA_SASL_MECHANISM: z.enum(['none', 'scram-sha-256', 'scram-sha-512']).default('scram-sha-512'),
  KAFKA_USERNAME: z.string().regex(/^[A-Za-z0-9._@-]{1,128}$/).optional(),
  KAFKA_PASSWORD: z.string().min(1).optional(),
  /** A file holding the password (a mounted secret); used when KAFKA_PASSWORD is not set. */
  KAFKA_PASSWORD_FILE: z.string().min(1).optional(),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'a postgres:// URL').default('postgres://postgres@127.0.0.1:55432/satupintu'),
  /**
   * The schema owner's connection, for migrations only (docs/security.md "Database roles"); the
   * service itself connects with DATABASE_URL, a role that may only read and write rows. Unset: the
   * migrations use DATABASE_URL too (one role for everything, as before).
   */
  DATABASE_MIGRATION_URL: z.string().regex(/^postgres(ql)?:\/\//, 'a postgres:// URL').optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'a redis:// URL').default('redis://127.0.0.1:56379'),
  MIGRATIONS_RUN: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  INSTANCE_ID: z.string().default(String(process.pid)),
  /** Tracing: `otlp` exports OpenTelemetry spans to OTEL_EXPORTER_OTLP_ENDPOINT; `none` (default) turns it off. */
  OTEL_TRACES_EXPORTER: z.enum(['none', 'otlp']).default('none'),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().regex(/^https?:\/\//, 'an http(s):// URL').default('http://127.0.0.1:4318'),
  /** Share of new traces kept, 0 to 1. */
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(1),
});
export type BaseConfig = z.infer<typeof BaseConfigSchema>;

/** The Kafka connection of a service or tool: brokers, prefix, partitions and its principal's credentials. */
export function kafkaSettingsOf(config: BaseConfig, clientId: string, partitions = config.KAFKA_PARTITIONS): KafkaSettings {
  const settings: KafkaSettings = { brokers: config.KAFKA_BROKERS, clientId, topicPrefix: config.KAFKA_TOPIC_PREFIX, partitions, topicPartitions: config.KAFKA_TOPIC_PARTITIONS };
  if (config.KAFKA_SASL_MECHANISM === 'none') return settings;
  const password = config.KAFKA_PASSWORD ?? (config.KAFKA_PASSWORD_FILE ? readSecretFile(config.KAFKA_PASSWORD_FILE) : undefined);
  if (!config.KAFKA_USERNAME || !password) {
    throw new ConfigError('invalid configuration:\n  KAFKA_USERNAME and KAFKA_PASSWORD (or KAFKA_PASSWORD_FILE) are required unless KAFKA_SASL_MECHANISM=none');
  }
  return { ...settings, sasl: { mechanism: config.KAFKA_SASL_MECHANISM, username: config.KAFKA_USERNAME, password } };
}

function readSecretFile(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    throw new ConfigError(`invalid configuration:\n  KAFKA_PASSWORD_FILE: cannot read the file`);
  }
}

/**
 * For the command-line tools and benchmarks only (never the services): against the local stack
 * (tools/stack/infra.sh) they sign in to Kafka as its admin when no credentials are given.
 */
export function withLocalStackCredentials(env: Record<string, string | undefined> = process.env): Record<string, string | undefined> {
  if (env.KAFKA_USERNAME || env.KAFKA_SASL_MECHANISM === 'none') return env;
  const file = join(env.SATUPINTU_LOCAL_DIR ?? join(process.cwd(), '.local'), 'secrets', 'kafka', 'satupintu-admin.password');
  return existsSync(file) ? { ...env, KAFKA_USERNAME: 'satupintu-admin', KAFKA_PASSWORD_FILE: file } : env;
}

export class ConfigError extends Error {}

/**
 * Encryption at rest (docs/security.md): the keyring from PROTECTION_KEYRING or
 * PROTECTION_KEYRING_FILE, or PROTECTION=off; for the services that keep personal data and the
 * commands that read it.
 */
export function loadProtector(env: Record<string, string | undefined> = process.env): Protector {
  return protectorFromEnv(env);
}

/** Parses the environment with `schema`; on failure lists every bad variable (names, not values). */
export function parseConfig<S extends z.ZodType>(schema: S, env: Record<string, string | undefined> = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}
