import { createDataSource } from '@satupintu/persistence';
import { migrateService, type BaseConfig } from '@satupintu/platform';
import type { Protector, TableRotation } from '@satupintu/protection';
import type { DataSource } from 'typeorm';
import { rotateRegistry } from '../protection/registry-rotation';
import Redis from 'ioredis';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { DEDUP } from '../config/service';
import { PersonIndex } from './person-index';
import { bestMatch, registryMatchable, type IndexedPerson, type MatchSettings } from './registry-matcher';

/**
 * `node dist/apps/dedup/src/main.js reindex`: rebuilds the matching index in Redis from the registry
 * in PostgreSQL (the service also does this by itself when it finds the index missing).
 */
export async function reindexCommand(config: BaseConfig, settings: MatchSettings, protector: Protector): Promise<{ persons: number; seconds: number }> {
  await migrateService(DEDUP, config, 'dedup-reindex-migrate');
  const db = createDataSource({ url: config.DATABASE_URL, schema: 'registry', applicationName: 'dedup-reindex', migrations: DEDUP.migrations ?? [] });
  await db.initialize();
  const redis = new Redis(config.REDIS_URL);
  const started = Date.now();
  try {
    const persons = await new PersonIndex(redis, config.KAFKA_TOPIC_PREFIX, settings.maxBlock, settings.model.baseU('name'), protector).rebuild(db, (done) => process.stderr.write(`\rindexed ${done} persons`));
    process.stderr.write('\n');
    return { persons, seconds: Math.round((Date.now() - started) / 100) / 10 };
  } finally {
    redis.disconnect();
    await db.destroy();
  }
}

/**
 * The registry's rotation (`rotate`), then the matching index dropped: its entries are sealed under
 * the key of the instance that wrote them, so the next batch rebuilds it from the registry under the
 * active key, and the old key can then leave the ring.
 */
export function rotateRegistryAndIndex(config: BaseConfig, settings: MatchSettings) {
  return async (db: DataSource, protector: Protector, options: { dryRun: boolean; onProgress: (t: TableRotation) => void }): Promise<TableRotation[]> => {
    const tables = await rotateRegistry(db, protector, options);
    if (options.dryRun) return tables;
    const redis = new Redis(config.REDIS_URL);
    try {
      await new PersonIndex(redis, config.KAFKA_TOPIC_PREFIX, settings.maxBlock, settings.model.baseU('name'), protector).invalidate();
    } finally {
      redis.disconnect();
    }
    return tables;
  };
}

/** One line of a matching benchmark file: a registry person to index, or a new record to match. */
type BenchLine = { registry: IndexedPerson } | { incoming: IndexedPerson; kk: string; again: boolean };

/**
 * `node dist/apps/dedup/src/main.js bench-matching FILE [BATCH]`: loads the registry persons of FILE
 * into a scratch index (its own key prefix, flushed before and after), then matches the new records
 * in batches exactly as the consumer does before its transaction (blocking-key lookups, candidate
 * records, scoring, the decision) and reports the speed. FILE is written by
 * tools/bench/registry-matching.bench.ts.
 */
export async function benchMatchingCommand(config: BaseConfig, settings: MatchSettings, protector: Protector, file: string, batchSize: number) {
  const redis = new Redis(config.REDIS_URL);
  const index = new PersonIndex(redis, `${config.KAFKA_TOPIC_PREFIX}bench-matching:`, settings.maxBlock, settings.model.baseU('name'), protector);
  await index.flush();
  const work: Array<{ person: IndexedPerson; kk: string; again: boolean }> = [];
  let pending: IndexedPerson[] = [];
  let registry = 0;
  const load = Date.now();
  for await (const line of createInterface({ input: createReadStream(file) })) {
    if (!line) continue;
    const l = JSON.parse(line) as BenchLine;
    if ('registry' in l) {
      pending.push(l.registry);
      if (pending.length === 10_000) {
        await index.put(pending);
        registry += pending.length;
        pending = [];
        process.stderr.write(`\rindexed ${registry} persons`);
      }
    } else work.push({ person: l.incoming, kk: l.kk, again: l.again });
  }
  await index.put(pending);
  registry += pending.length;
  const loadSeconds = (Date.now() - load) / 1000;
  process.stderr.write('\n');
  const memory = (await redis.info('memory')).match(/used_memory:(\d+)/)?.[1];

  const outcome = { merge: 0, review: 0, new: 0, againMerged: 0, again: 0, candidates: 0 };
  const started = process.hrtime.bigint();
  for (let i = 0; i < work.length; i += batchSize) {
    const batch = work.slice(i, i + batchSize);
    const people = batch.map((w) => registryMatchable(w.person));
    const candidates = await index.candidates(people);
    batch.forEach((w, j) => {
      outcome.candidates += candidates[j].length;
      const found = bestMatch(people[j], w.kk, candidates[j], settings);
      outcome[found ? found.decision : 'new'] += 1;
      if (w.again) {
        outcome.again += 1;
        if (found?.decision === 'merge') outcome.againMerged += 1;
      }
    });
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await index.flush();
  redis.disconnect();
  return {
    registryPersons: registry,
    indexLoadSeconds: Math.round(loadSeconds),
    redisMemoryMiB: memory ? Math.round(Number(memory) / 2 ** 20) : null,
    newRecords: work.length,
    batchSize,
    seconds: Math.round(seconds * 100) / 100,
    personsPerSecond: Math.round(work.length / seconds),
    meanCandidates: Math.round((outcome.candidates / Math.max(work.length, 1)) * 10) / 10,
    decisions: { merge: outcome.merge, review: outcome.review, new: outcome.new },
    reRecordedMergedAutomatically: `${outcome.againMerged} of ${outcome.again}`,
  };
}
