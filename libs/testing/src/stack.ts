import { applyAcls, createKafka, partitionPositions, physicalName, removeAcls, serviceAcls, type AclRule, type KafkaCredentials, type KafkaSettings } from '@satupintu/kafka';
import { deadLetterTopic } from '@satupintu/contracts';
import { createLogger } from '@satupintu/observability';
import { localRolePasswords, provisionDatabaseRoles, serviceDatabaseUrls } from '@satupintu/persistence';
import { FieldProtector, LocalKeyring, openJson, PROTECTED, type SealedIdentity } from '@satupintu/protection';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Client } from 'pg';
import type { Kafka } from 'kafkajs';
import { eventually } from './eventually';

const threeUp = join(__dirname, '..', '..', '..');
/** The repository root, from the sources (tests) or from dist/ (benchmarks). */
export const ROOT = basename(threeUp) === 'dist' ? dirname(threeUp) : threeUp;
export const LOG_DIR = join(ROOT, 'artifacts', 'test-logs');

/** Connection settings of the real local servers (tools/stack/infra.sh), or external ones from env. */
export const SERVERS = {
  kafkaBrokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:59092',
  databaseUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:55432/satupintu',
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:56379',
};

const KAFKA_SECRETS = join(process.env.SATUPINTU_LOCAL_DIR ?? join(ROOT, '.local'), 'secrets', 'kafka');
/** The services' PostgreSQL role passwords on this machine (docs/security.md "Database roles"). */
export const rolePasswords = localRolePasswords(join(process.env.SATUPINTU_LOCAL_DIR ?? join(ROOT, '.local'), 'secrets', 'postgres'));

/**
 * SASL credentials of a Kafka principal on the local stack (its password file from tools/stack/infra.sh),
 * or of the one principal given by KAFKA_USERNAME/KAFKA_PASSWORD for an external broker; none when
 * KAFKA_SASL_MECHANISM=none.
 */
export function kafkaCredentials(user = 'satupintu-admin'): KafkaCredentials | undefined {
  if (process.env.KAFKA_SASL_MECHANISM === 'none') return undefined;
  const mechanism = (process.env.KAFKA_SASL_MECHANISM as KafkaCredentials['mechanism'] | undefined) ?? 'scram-sha-512';
  if (process.env.KAFKA_USERNAME) return { mechanism, username: process.env.KAFKA_USERNAME, password: process.env.KAFKA_PASSWORD ?? '' };
  return { mechanism, username: user, password: readFileSync(join(KAFKA_SECRETS, `${user}.password`), 'utf8').trim() };
}

/** Whether each service signs in to Kafka as its own principal (the local stack), with ACLs per test prefix. */
const PER_SERVICE_PRINCIPALS = process.env.KAFKA_SASL_MECHANISM !== 'none' && !process.env.KAFKA_USERNAME;

export type ServiceName = 'gateway' | 'validation' | 'dedup' | 'aggregation' | 'eligibility' | 'subscriptions';
const BASE_PORT: Record<ServiceName, number> = { gateway: 0, validation: 1, dedup: 2, aggregation: 3, eligibility: 4, subscriptions: 5 };

let portBlock = 20_000 + (process.pid % 200) * 50;

/** The admin API key of each running test gateway, by its URL (origin): helpers send it unless told otherwise. */
export const gatewayKeys = new Map<string, string>();

/** A fresh API key in the gateway's format (spk_<key id>_<secret>), for bootstrapping a test gateway's admin. */
export function newTestApiKey(): string {
  return `spk_${randomBytes(8).toString('hex')}_${randomBytes(32).toString('base64url')}`;
}

/** fetch with the test gateway's admin key (unless the request sets its own Authorization). */
export function authFetch(url: string, init: RequestInit = {}): Promise<Response> {
  const key = gatewayKeys.get(new URL(url).origin);
  const headers = new Headers(init.headers);
  if (key && !headers.has('authorization')) headers.set('authorization', `Bearer ${key}`);
  return fetch(url, { ...init, headers });
}

export interface RunningService {
  name: ServiceName;
  port: number;
  url: string;
  process: ChildProcess;
  logFile: string;
}

/**
 * An isolated slice of the real stack for one test file: its own database on the real PostgreSQL
 * server, its own topic and consumer-group prefix on the real Kafka broker, its own Redis key
 * prefix; the compiled services run as real child processes.
 */
export class TestStack {
  readonly prefix: string;
  readonly databaseUrl: string;
  readonly kafkaSettings: KafkaSettings;
  readonly kafka: Kafka;
  readonly services = new Map<string, RunningService>();
  /** The gateway's bootstrap admin key (AUTH_BOOTSTRAP_ADMIN_KEY). */
  readonly adminKey = newTestApiKey();
  /** The key agencies' webhook secrets derive from (WEBHOOK_SIGNING_KEY of the gateway and subscriptions). */
  readonly webhookSigningKey = randomBytes(32).toString('base64url');
  /** The keyring of encryption at rest (PROTECTION_KEYRING of every service but validation, which keeps no data). */
  readonly keyring = LocalKeyring.generate('test-a');
  /** Opens the registry's protected values and computes its blind indexes, as dedup does. */
  readonly protector = new FieldProtector(new LocalKeyring(this.keyring));
  private readonly ports: Record<ServiceName, number>;
  private instanceCounter = 0;
  /** ACLs this stack gave the services' principals (removed at tear-down). */
  private readonly acls = new Map<ServiceName, AclRule[]>();
  db!: Client;

  constructor(readonly label: string) {
    const id = `${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
    this.prefix = `t-${id}.`;
    const dbName = `sp_test_${id.replace(/[^a-z0-9]/gi, '_').toLowerCase()}`;
    const url = new URL(SERVERS.databaseUrl);
    url.pathname = `/${dbName}`;
    this.databaseUrl = url.toString();
    this.kafkaSettings = { brokers: SERVERS.kafkaBrokers.split(','), clientId: `test-${id}`, topicPrefix: this.prefix, partitions: 3, sasl: kafkaCredentials() };
    this.kafka = createKafka(this.kafkaSettings, createLogger('test', 'fatal'));
    const base = portBlock;
    portBlock += 10;
    this.ports = Object.fromEntries(Object.entries(BASE_PORT).map(([k, v]) => [k, base + v])) as Record<ServiceName, number>;
  }

  async setUp(): Promise<void> {
    const admin = new Client({ connectionString: SERVERS.databaseUrl });
    await admin.connect();
    await admin.query(`create database "${new URL(this.databaseUrl).pathname.slice(1)}"`);
    await admin.end();
    this.db = new Client({ connectionString: this.databaseUrl });
    await this.db.connect();
    // Every service runs as its own role, as in production: its schema's rows and nothing else.
    await provisionDatabaseRoles(this.db, rolePasswords);
  }

  /**
   * The URLs a service connects with: its own runtime role (DATABASE_URL) and its schema's owner
   * role for migrations (DATABASE_MIGRATION_URL); the validation service keeps no data.
   */
  databaseUrlsOf(name: ServiceName): { DATABASE_URL: string; DATABASE_MIGRATION_URL?: string } {
    return serviceDatabaseUrls(this.databaseUrl, name, rolePasswords) ?? { DATABASE_URL: this.databaseUrl };
  }


  /** The registry's blind index of a NIK or KK (its `nik_index` / `kk_index`), to find a row with SQL. */
  index(kind: 'nik' | 'kk', value: string): string {
    return this.protector.index(kind, value);
  }

  /** A registry person's protected `identity` opened: `{ nik, name, birthDate }`. */
  openIdentity(sealed: string, context: string = PROTECTED.registry.personIdentity): Promise<SealedIdentity> {
    return openJson<SealedIdentity>(this.protector, sealed, context);
  }

  /** The environment that gives a process the registry's keyring. */
  protectionEnv(): { PROTECTION_KEYRING: string } {
    return { PROTECTION_KEYRING: JSON.stringify(this.keyring) };
  }

  env(name: ServiceName, port: number, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    const sasl = kafkaCredentials(`svc-${name}`);
    return {
      ...(sasl ? { KAFKA_SASL_MECHANISM: sasl.mechanism, KAFKA_USERNAME: sasl.username, KAFKA_PASSWORD: sasl.password } : { KAFKA_SASL_MECHANISM: 'none' }),
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      KAFKA_BROKERS: SERVERS.kafkaBrokers,
      KAFKA_TOPIC_PREFIX: this.prefix,
      KAFKA_PARTITIONS: '3',
      ...this.databaseUrlsOf(name),
      REDIS_URL: SERVERS.redisUrl,
      PORT: String(port),
      INSTANCE_ID: `${name}-${this.instanceCounter}`,
      ...(name === 'gateway'
        ? { AUTH_BOOTSTRAP_ADMIN_KEY: this.adminKey, AUTH_TOKEN_SECRET: `test-token-secret-${this.prefix}-0123456789abcdef`, RATE_LIMIT_PER_IP: '0', RATE_LIMIT_PER_PRINCIPAL: '0', RATE_LIMIT_AUTH_FAILURES_PER_IP: '0',
            // The event-loop measure of load shedding is off: on a shared 2-core box a stall of the test machine would refuse a test's request.
            SHED_MAX_EVENT_LOOP_DELAY_MS: '0' }
        : {}),
      ...(name === 'gateway' || name === 'subscriptions' ? { WEBHOOK_SIGNING_KEY: this.webhookSigningKey, WEBHOOK_ALLOW_HTTP: 'true' } : {}),
      ...(name !== 'validation' ? this.protectionEnv() : {}),
      ...extra,
    };
  }

  /** Starts one instance of a service and waits until it reports ready. */
  async start(name: ServiceName, options: { instance?: string; extraEnv?: Record<string, string> } = {}): Promise<RunningService> {
    const key = options.instance ?? name;
    if (PER_SERVICE_PRINCIPALS && !this.acls.has(name)) {
      const rules = serviceAcls(this.kafkaSettings, name);
      await applyAcls(this.kafka, rules);
      this.acls.set(name, rules);
    }
    this.instanceCounter += 1;
    const port = options.instance ? this.ports[name] + 100 * this.instanceCounter : this.ports[name];
    mkdirSync(LOG_DIR, { recursive: true });
    const logFile = join(LOG_DIR, `${this.prefix}${key}.log`);
    const log = createWriteStream(logFile, { flags: 'a' });
    const child = spawn(process.execPath, ['-r', join(ROOT, 'tools/runtime/register-paths.js'), join(ROOT, `dist/apps/${name}/src/main.js`)], {
      env: this.env(name, port, options.extraEnv),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    const svc: RunningService = { name, port, url: `http://127.0.0.1:${port}`, process: child, logFile };
    this.services.set(key, svc);
    if (name === 'gateway') gatewayKeys.set(svc.url, this.adminKey);
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`${key} exited with ${child.exitCode}; see ${logFile}`);
        const res = await fetch(`${svc.url}/health/ready`);
        return res.ok;
      },
      90_000,
      250,
    );
    return svc;
  }

  /** Stops an instance with a signal and waits for its exit. */
  async stop(key: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const svc = this.services.get(key);
    if (!svc || svc.process.exitCode !== null || svc.process.signalCode !== null) return svc?.process.exitCode ?? null;
    const exited = new Promise<number | null>((resolve) => svc.process.once('exit', (code) => resolve(code)));
    svc.process.kill(signal);
    const code = await exited;
    this.services.delete(key);
    return code;
  }

  topic(logical: string): string {
    return physicalName(this.kafkaSettings, logical);
  }

  /** Messages in this stack's dead-letter topics: one consumer group's (`dedup`), or every group's. */
  async deadLetters(group?: string): Promise<number> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const prefix = this.topic(group ? deadLetterTopic(group) : 'dlq.');
      const topics = (await admin.listTopics()).filter((t) => (group ? t === prefix : t.startsWith(prefix)));
      let sum = 0;
      for (const topic of topics) for (const p of partitionPositions(await admin.fetchTopicOffsets(topic), [])) sum += p.lag;
      return sum;
    } finally {
      await admin.disconnect();
    }
  }

  async tearDown(): Promise<void> {
    await Promise.all([...this.services.keys()].map((k) => this.stop(k, 'SIGTERM')));
    await this.db?.end().catch(() => undefined);
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      const mine = (await admin.listTopics()).filter((t) => t.startsWith(this.prefix));
      if (mine.length > 0) await admin.deleteTopics({ topics: mine });
    } catch {
      // best effort
    } finally {
      await admin.disconnect();
    }
    await removeAcls(this.kafka, [...this.acls.values()].flat()).catch(() => undefined);
    const root = new Client({ connectionString: SERVERS.databaseUrl });
    await root.connect();
    await root.query(`drop database if exists "${new URL(this.databaseUrl).pathname.slice(1)}" with (force)`).catch(() => undefined);
    await root.end();
  }
}
