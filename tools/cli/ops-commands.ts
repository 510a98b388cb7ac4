import { deadLetterTopic, HEADERS, PLATFORM_SERVICES } from '@satupintu/contracts';
import { createKafka, EventProducer, headersToStrings, logicalName, partitionPositions, physicalName, type KafkaSettings, type OutgoingMessage, type PartitionPosition } from '@satupintu/kafka';
import { createLogger } from '@satupintu/observability';
import { SingleBar, Presets } from 'cli-progress';
import type { Command } from 'commander';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { databaseRolesOfService, localRolePasswords, provisionDatabaseRoles, SERVICE_DATABASE_ROLES, serviceDatabaseUrls } from '@satupintu/persistence';
import { LocalKeyring, type KeyringJson } from '@satupintu/protection';

/** The PostgreSQL schema (with its inbox) of each service that keeps one. */
const SCHEMAS: Record<string, string> = Object.fromEntries(SERVICE_DATABASE_ROLES.map((r) => [r.service, r.schema]));
/** Headers the consumer adds when it dead-letters a message; dropped when the message goes back. */
const DEAD_LETTER_HEADERS = [HEADERS.errorCode, HEADERS.error, HEADERS.sourceTopic, HEADERS.sourcePartition, HEADERS.sourceOffset];

const bar = (label: string, total: number) => {
  const b = new SingleBar({ format: `${label} [{bar}] {value}/{total} {percentage}% eta {eta_formatted}`, hideCursor: true, noTTYOutput: true, stream: process.stderr }, Presets.shades_classic);
  b.start(Math.max(total, 0), 0);
  return b;
};

export interface OpsContext {
  kafkaSettings: () => KafkaSettings;
  databaseUrl: string;
  root: string;
  /** The environment for the services' own commands (migrations, reconcile, backfill). */
  env: NodeJS.ProcessEnv;
}

/**
 * `satupintu ops ...`: what an operator needs while the platform runs: consumer lag per service,
 * dead letters back to their topic, a replay of a topic range into one service, partition growth,
 * aggregate rebuild, eligibility re-run and migrations.
 */
export function registerOpsCommands(program: Command, ctx: OpsContext): void {
  const ops = program.command('ops').description('operate the running platform: lag, dead letters, replay, rebuilds, migrations');
  const withAdmin = async <T>(fn: (admin: Admin, kafka: Kafka, settings: KafkaSettings) => Promise<T>): Promise<T> => {
    const settings = ctx.kafkaSettings();
    const kafka = createKafka(settings, createLogger('ops', 'error'));
    const admin = kafka.admin();
    await admin.connect();
    try {
      return await fn(admin, kafka, settings);
    } finally {
      await admin.disconnect();
    }
  };

  ops
    .command('lag')
    .description('consumer lag per service and partition, with the members of each group')
    .argument('[services...]', 'services (default: all)')
    .option('--json', 'print JSON instead of a table')
    .action(async (services: string[], opts: { json?: boolean }) => {
      const report = await withAdmin((admin, _kafka, settings) => groupLag(admin, settings, services.length > 0 ? services : [...PLATFORM_SERVICES]));
      if (opts.json) {
        console.log(JSON.stringify(report, null, 2));
        return;
      }
      for (const g of report) {
        console.log(`${g.service.padEnd(14)} group ${g.group}: ${g.state}, ${g.members} member(s), lag ${g.lag}`);
        for (const p of g.partitions.filter((x) => x.lag > 0)) console.log(`  ${p.topic} [${p.partition}] lag ${p.lag} (committed ${p.committed}, end ${p.end})`);
      }
    });

  ops
    .command('dlq')
    .description('messages waiting in each service’s dead-letter topic (not yet moved back)')
    .action(async () => {
      await withAdmin(async (admin, _kafka, settings) => {
        const existing = new Set(await admin.listTopics());
        for (const service of PLATFORM_SERVICES) {
          const topic = physicalName(settings, deadLetterTopic(service));
          if (!existing.has(topic)) continue;
          const waiting = await pendingFor(admin, topic, physicalName(settings, redriveGroup(service)));
          console.log(`${service.padEnd(14)} ${deadLetterTopic(service)}: ${waiting} waiting`);
        }
      });
    });

  ops
    .command('redrive')
    .description('move a service’s dead-lettered messages back to the topics they came from, once each (fix the cause first)')
    .argument('<service>', 'the service whose dead letters go back')
    .option('--limit <n>', 'at most this many messages', (v) => Number(v))
    .action(async (service: string, opts: { limit?: number }) => {
      assertService(service);
      const moved = await withAdmin(async (admin, kafka, settings) => {
        const dlq = physicalName(settings, deadLetterTopic(service));
        const group = physicalName(settings, redriveGroup(service));
        const total = Math.min(await pendingFor(admin, dlq, group), opts.limit ?? Infinity);
        if (total === 0) return 0;
        const producer = new EventProducer(kafka, settings);
        const progress = bar(`redrive ${service}`, total);
        let done = 0;
        try {
          await readRange(kafka, dlq, group, total, async (messages) => {
            const out: OutgoingMessage[] = [];
            for (const m of messages) {
              const headers = headersToStrings(m.headers);
              const source = headers[HEADERS.sourceTopic];
              if (!source) continue;
              for (const h of DEAD_LETTER_HEADERS) delete headers[h];
              out.push({ topic: source, key: m.key?.toString('utf8') ?? '', value: m.value?.toString('utf8') ?? '', headers: { ...headers, [HEADERS.redriven]: new Date().toISOString() } });
            }
            await producer.send(out);
            done += messages.length;
            progress.update(done);
          });
        } finally {
          progress.stop();
          await producer.disconnect();
        }
        return done;
      });
      console.log(JSON.stringify({ service, movedBack: moved }));
    });

  ops
    .command('replay')
    .description('process a range of a topic again in one service: its inbox forgets those events, then they are published again (other services skip them by event id)')
    .argument('<service>', 'the service that processes the range again')
    .requiredOption('--topic <topic>', 'logical topic the service consumes')
    .requiredOption('--partition <p>', 'partition', (v) => Number(v))
    .requiredOption('--from <offset>', 'first offset', (v) => Number(v))
    .requiredOption('--to <offset>', 'last offset (inclusive)', (v) => Number(v))
    .action(async (service: string, opts: { topic: string; partition: number; from: number; to: number }) => {
      assertService(service);
      if (!(opts.to >= opts.from)) throw new Error('--to must not be before --from');
      const schema = SCHEMAS[service];
      const total = opts.to - opts.from + 1;
      const db = new Client({ connectionString: ctx.databaseUrl });
      await db.connect();
      try {
        const result = await withAdmin(async (_admin, kafka, settings) => {
          const producer = new EventProducer(kafka, settings);
          const progress = bar(`replay ${opts.topic}[${opts.partition}] into ${service}`, total);
          let done = 0;
          let forgotten = 0;
          try {
            await readPartitionRange(kafka, physicalName(settings, opts.topic), opts.partition, opts.from, opts.to, async (messages) => {
              const ids = messages.map(eventIdOf).filter((id): id is string => id !== undefined);
              if (schema && ids.length > 0) forgotten += (await db.query(`delete from "${schema}".inbox where event_id = any($1::uuid[])`, [ids])).rowCount ?? 0;
              await producer.send(messages.map((m) => ({ topic: logicalName(settings, opts.topic), key: m.key?.toString('utf8') ?? '', value: m.value?.toString('utf8') ?? '', headers: headersToStrings(m.headers) })));
              done += messages.length;
              progress.update(done);
            });
          } finally {
            progress.stop();
            await producer.disconnect();
          }
          return { replayed: done, inboxEntriesForgotten: forgotten };
        });
        console.log(JSON.stringify({ service, topic: opts.topic, partition: opts.partition, ...result }));
      } finally {
        await db.end();
      }
    });

  ops
    .command('partitions')
    .description('grow a topic to more partitions so more instances can share it (keys move to new partitions: pause producers first for strict order)')
    .argument('<topic>', 'logical topic')
    .argument('<count>', 'new partition count', (v) => Number(v))
    .action(async (topic: string, count: number) => {
      await withAdmin(async (admin, _kafka, settings) => {
        const name = physicalName(settings, topic);
        const [meta] = (await admin.fetchTopicMetadata({ topics: [name] })).topics;
        if (meta.partitions.length >= count) {
          console.log(JSON.stringify({ topic, partitions: meta.partitions.length, changed: false }));
          return;
        }
        await admin.createPartitions({ topicPartitions: [{ topic: name, count }] });
        console.log(JSON.stringify({ topic, partitions: count, was: meta.partitions.length, changed: true }));
      });
    });

  const runService = (service: string, args: string[]) => runServiceCommand(ctx, service, args);
  ops
    .command('rebuild-aggregates')
    .description('recount every region’s indicators from the registry; --repair replaces the kept counts and publishes the regions that changed')
    .option('--repair', 'replace the counts (default: report the differences only)')
    .action((opts: { repair?: boolean }) => runService('aggregation', ['reconcile', ...(opts.repair ? ['--repair'] : [])]));
  ops
    .command('rerun-eligibility')
    .description('evaluate every registry family against the programmes in force again (publishes only changed decisions)')
    .option('--dry-run', 'count what would change without publishing')
    .action((opts: { dryRun?: boolean }) => runService('eligibility', ['backfill', ...(opts.dryRun ? ['--dry-run'] : [])]));
  ops
    .command('retention')
    .description('purge submission payloads older than the retention period (uploaded list files, DCI search requests, delivered callback and webhook bodies); the golden record, its history and the audit trail stay')
    .option('--dry-run', 'count what would be purged')
    .option('--days <n>', 'the retention period in days (default RETENTION_DAYS, else 365)')
    .action((opts: { dryRun?: boolean; days?: string }) => {
      // The gateway's payloads, then the subscriptions service's webhook bodies: one JSON report each.
      const args = ['retention', ...(opts.dryRun ? ['--dry-run'] : []), ...(opts.days ? ['--days', opts.days] : [])];
      for (const service of ['gateway', 'subscriptions']) runService(service, args);
    });
  ops
    .command('rotate-keys')
    .description('write every protected value (registry, gateway, eligibility, aggregation, subscriptions) under a retired master key, or still in clear, again under the active key, beside the running services; resumable')
    .option('--dry-run', 'count the values due without writing')
    .action((opts: { dryRun?: boolean }) => {
      for (const service of PROTECTED_SERVICES) runService(service, ['rotate', ...(opts.dryRun ? ['--dry-run'] : [])]);
    });
  ops
    .command('new-key <id>')
    .description('add a master key to the local keyring (.local/secrets/keyring.json) and make it the active one; restart the services (all but validation), then run rotate-keys')
    .action((id: string) => {
      const file = localKeyringFile(ctx.env);
      if (!existsSync(file)) throw new Error(`no keyring at ${file}: the local stack writes one when it starts`);
      const ring = LocalKeyring.withNewKey(JSON.parse(readFileSync(file, 'utf8')) as KeyringJson, id);
      new LocalKeyring(ring); // refuse an id the services would refuse
      writeFileSync(file, JSON.stringify(ring), { mode: 0o600 });
      process.stdout.write(`${JSON.stringify({ active: ring.active, keys: Object.keys(ring.keys) })}\n`);
    });
  ops
    .command('migrate')
    .description('apply every service’s pending database migrations, then exit')
    .action(() => migrateAll(ctx));
}

/**
 * Runs a service's own command (`dist/apps/<service>/src/main.js <args>`), as the service's own
 * database roles where they were provisioned; exits with its status when it fails.
 */
function runServiceCommand(ctx: Pick<OpsContext, 'root' | 'env'>, service: string, args: string[]): void {
  const env = { ...ctx.env, ...localDatabaseEnv(ctx.env, service), ...localKeyringEnv(ctx.env, service) };
  const r = spawnSync(process.execPath, ['-r', join(ctx.root, 'tools/runtime/register-paths.js'), join(ctx.root, `dist/apps/${service}/src/main.js`), ...args], { stdio: 'inherit', env });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/**
 * Applies the pending migrations of every service that keeps a schema, one service after the other,
 * each as its schema's owner role (provisioned first, as `satupintu db provision` does, unless the
 * owner's URL is given).
 */
export async function migrateAll(ctx: Pick<OpsContext, 'root' | 'env' | 'databaseUrl'>): Promise<void> {
  if (!ctx.env.DATABASE_MIGRATION_URL) await provisionLocalDatabase(ctx);
  for (const service of Object.keys(SCHEMAS)) runServiceCommand(ctx, service, ['--migrate-only']);
}

/** Where the local stack keeps its PostgreSQL role passwords and each service's connection variables. */
const localKeyringFile = (env: NodeJS.ProcessEnv) => join(env.SATUPINTU_LOCAL_DIR ?? join(process.cwd(), '.local'), 'secrets', 'keyring.json');

/** The services that keep protected values (docs/security.md "Encryption at rest"). */
const PROTECTED_SERVICES = ['dedup', 'gateway', 'eligibility', 'aggregation', 'subscriptions'];

/** The local keyring for the commands that read protected values (aggregation's recount also opens the registry's history). */
function localKeyringEnv(env: NodeJS.ProcessEnv, service: string): Record<string, string> {
  const file = localKeyringFile(env);
  if (!PROTECTED_SERVICES.includes(service) || env.PROTECTION_KEYRING || env.PROTECTION_KEYRING_FILE || !existsSync(file)) return {};
  return { PROTECTION_KEYRING_FILE: file };
}

export const localDatabaseSecrets = (env: NodeJS.ProcessEnv) => join(env.SATUPINTU_LOCAL_DIR ?? join(process.cwd(), '.local'), 'secrets', 'postgres');

/** A service's DATABASE_URL and DATABASE_MIGRATION_URL as its own roles, when they were provisioned here (else nothing changes). */
function localDatabaseEnv(env: NodeJS.ProcessEnv, service: string): Record<string, string> {
  const owner = databaseRolesOfService(service)?.owner;
  const dir = localDatabaseSecrets(env);
  if (!owner || env.DATABASE_MIGRATION_URL || !existsSync(join(dir, owner))) return {};
  return serviceDatabaseUrls(env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:55432/satupintu', service, localRolePasswords(dir)) ?? {};
}

/**
 * `satupintu db provision`: each service's runtime and owner roles and its schema (docs/security.md
 * "Database roles"), as the superuser of DATABASE_URL; passwords in .local/secrets/postgres/ (made
 * once), and each service's connection variables in <service>.env there (read by services.sh).
 */
export function registerDatabaseCommands(program: Command, ctx: Pick<OpsContext, 'databaseUrl' | 'env'>): void {
  program
    .command('db')
    .description('PostgreSQL roles of the services')
    .command('provision')
    .description("create each service's runtime and owner roles and its schema, owned by the owner (idempotent)")
    .action(async () => {
      await provisionLocalDatabase(ctx);
      console.log(JSON.stringify({ provisioned: SERVICE_DATABASE_ROLES.map((r) => ({ service: r.service, schema: r.schema, runtime: r.runtime, owner: r.owner })) }));
    });
}

/** What `satupintu db provision` does (also before `satupintu migrate`). */
async function provisionLocalDatabase(ctx: Pick<OpsContext, 'databaseUrl' | 'env'>): Promise<void> {
  const dir = localDatabaseSecrets(ctx.env);
  const db = new Client({ connectionString: ctx.databaseUrl });
  await db.connect();
  try {
    await provisionDatabaseRoles(db, localRolePasswords(dir));
  } finally {
    await db.end();
  }
  for (const r of SERVICE_DATABASE_ROLES) {
    const vars = localDatabaseEnv({ ...ctx.env, DATABASE_URL: ctx.databaseUrl, DATABASE_MIGRATION_URL: undefined }, r.service);
    writeFileSync(join(dir, `${r.service}.env`), Object.entries(vars).map(([k, v]) => `${k}=${v}\n`).join(''), { mode: 0o600 });
  }
}

/** A message's event id: its header, or the `eventId` of its value when a producer set no header. */
function eventIdOf(m: KafkaMessage): string | undefined {
  const header = headersToStrings(m.headers)[HEADERS.eventId];
  if (header) return header;
  try {
    const id = (JSON.parse(m.value?.toString('utf8') ?? '') as { eventId?: unknown }).eventId;
    return typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}

function assertService(service: string): void {
  if (!(PLATFORM_SERVICES as readonly string[]).includes(service)) throw new Error(`unknown service ${service} (one of ${PLATFORM_SERVICES.join(', ')})`);
}

/** The consumer group that remembers how far a service's dead letters have been moved back. */
const redriveGroup = (service: string) => `ops.redrive.${service}`;

export interface GroupLag {
  service: string;
  group: string;
  state: string;
  members: number;
  lag: number;
  partitions: Array<PartitionPosition & { topic: string }>;
}

/** Lag of each service's consumer group on every topic it has committed offsets for. */
export async function groupLag(admin: Admin, settings: KafkaSettings, services: string[]): Promise<GroupLag[]> {
  const out: GroupLag[] = [];
  for (const service of services) {
    const group = physicalName(settings, service);
    const [description] = (await admin.describeGroups([group])).groups;
    const committed = await admin.fetchOffsets({ groupId: group });
    const partitions: GroupLag['partitions'] = [];
    for (const t of committed) {
      for (const p of partitionPositions(await admin.fetchTopicOffsets(t.topic), t.partitions)) partitions.push({ topic: logicalName(settings, t.topic), ...p });
    }
    out.push({ service, group, state: description?.state ?? 'Unknown', members: description?.members.length ?? 0, lag: partitions.reduce((s, p) => s + p.lag, 0), partitions });
  }
  return out;
}

/** Messages of a topic that a group has not committed yet (from the start when it never did). */
async function pendingFor(admin: Admin, topic: string, group: string): Promise<number> {
  const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  return partitionPositions(await admin.fetchTopicOffsets(topic), committed?.partitions ?? []).reduce((sum, p) => sum + p.lag, 0);
}

/** Reads `count` messages of a topic under a group from its committed offsets, committing after each batch. */
async function readRange(kafka: Kafka, topic: string, groupId: string, count: number, onBatch: (messages: KafkaMessage[]) => Promise<void>): Promise<void> {
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  await consumer.connect();
  let seen = 0;
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            const take = batch.messages.slice(0, Math.max(0, count - seen));
            if (take.length === 0) return;
            await onBatch(take);
            seen += take.length;
            await consumer.commitOffsets([{ topic, partition: batch.partition, offset: String(Number(take[take.length - 1].offset) + 1) }]);
            if (seen >= count) resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
}

/** Reads offsets from..to (inclusive) of one partition, without a consumer group's commits. */
async function readPartitionRange(kafka: Kafka, topic: string, partition: number, from: number, to: number, onBatch: (messages: KafkaMessage[]) => Promise<void>): Promise<void> {
  const consumer = kafka.consumer({ groupId: `ops.replay.${process.pid}.${Date.now()}`, allowAutoTopicCreation: false });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic] });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            if (batch.partition !== partition) return;
            const take = batch.messages.filter((m) => Number(m.offset) >= from && Number(m.offset) <= to);
            if (take.length > 0) await onBatch(take);
            if (Number(batch.lastOffset()) >= to || Number(batch.highWatermark) - 1 <= Number(batch.lastOffset())) resolve();
          },
        })
        .catch(reject);
      consumer.seek({ topic, partition, offset: String(from) });
    });
  } finally {
    await consumer.disconnect();
  }
}
