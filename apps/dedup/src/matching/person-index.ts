import type { FamilyState } from '@satupintu/contracts';
import { motherNameOf, nameFrequency, nameKeyOf, type MatchablePerson } from '@satupintu/matching';
import { openJson, PROTECTED, sealJson, type Protector, type SealedIdentity } from '@satupintu/protection';
import type { Redis } from 'ioredis';
import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { blockingKeysOf, registryMatchable, type Candidate, type IndexedPerson } from './registry-matcher';

const CHUNK = 2000;
const CONTEXT = PROTECTED.registry.indexEntry;

/** The index entries of a family's members, from its registry state. */
export function indexedMembers(state: FamilyState): IndexedPerson[] {
  return state.members.map((m) => ({
    id: m.personId,
    nik: m.nik,
    name: m.name,
    sex: m.sex,
    birthDate: m.birthDate,
    villageCode: state.address.villageCode,
    kk: state.kk,
    motherName: motherNameOf(state.members, m),
  }));
}

/**
 * The matcher's hot path in Redis: for each blocking key a set of person ids, and for each active
 * person what matching compares. PostgreSQL stays the source of truth: the index is written after
 * each commit, can be flushed at any time, and is rebuilt from the registry (at start when its
 * marker is missing, or by `rebuild`). Blocking keys and name counts are keyed hashes (the blind-index
 * key), so NIKs, KK numbers and names neither appear in Redis key names nor can be guessed from them;
 * each person's entry is sealed like the registry's rows (docs/security.md "Encryption at rest").
 */
export class PersonIndex {
  /**
   * @param baseU the model's average u of an exact name, towards which name frequencies are shrunk
   * (`nameFrequency`).
   */
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly maxBlock: number,
    private readonly baseU: number,
    private readonly protector: Protector,
  ) {}

  /** How many indexed persons carry each name (spelling-folded, hashed: no name in Redis). */
  private get namesKey(): string {
    return `${this.prefix}registry:names:v2`;
  }

  private get countKey(): string {
    return `${this.prefix}registry:count:v2`;
  }

  private nameField(nameKey: string): string {
    return createHash('sha256').update(this.protector.index('block', `name:${nameKey}`)).digest('base64url').slice(0, 16);
  }

  private blockKey(key: string): string {
    return `${this.prefix}registry:block:v3:${createHash('sha256').update(this.protector.index('block', key)).digest('base64url').slice(0, 22)}`;
  }

  private personKey(id: string): string {
    return `${this.prefix}registry:person:v3:${id}`;
  }

  /** What the marker says of the entries: an index built in clear is rebuilt once encryption is on (and the reverse). */
  private get form(): 'sealed' | 'clear' {
    return this.protector.encrypts ? 'sealed' : 'clear';
  }

  private get builtKey(): string {
    return `${this.prefix}registry:index:v3:built`;
  }

  /** Candidates of each person: every indexed person sharing one of its blocking keys (oversized blocks skipped). */
  async candidates(persons: ReadonlyArray<MatchablePerson>): Promise<Candidate[][]> {
    const keysOf = persons.map((p) => blockingKeysOf(p).map((k) => this.blockKey(k)));
    const unique = [...new Set(keysOf.flat())];
    const members = new Map<string, string[]>();
    for (let i = 0; i < unique.length; i += CHUNK) {
      const chunk = unique.slice(i, i + CHUNK);
      const pipeline = this.redis.pipeline();
      for (const k of chunk) pipeline.smembers(k);
      const replies = (await pipeline.exec()) ?? [];
      chunk.forEach((k, j) => {
        const [err, ids] = replies[j] as [Error | null, string[]];
        if (err) throw err;
        if (ids.length > 0 && ids.length <= this.maxBlock) members.set(k, ids);
      });
    }
    const ids = [...new Set([...members.values()].flat())];
    const records = new Map<string, Candidate>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      const values = await this.redis.mget(chunk.map((id) => this.personKey(id)));
      const persons = await Promise.all(values.map((v) => (v ? this.openPerson(v) : null)));
      persons.forEach((person, j) => {
        if (person) records.set(chunk[j], { person, prepared: registryMatchable(person) });
      });
    }
    await this.attachFrequencies([...persons, ...[...records.values()].map((r) => r.prepared)]);
    return keysOf.map((keys) => {
      const found = new Set(keys.flatMap((k) => members.get(k) ?? []));
      return [...found].map((id) => records.get(id)).filter((r): r is Candidate => r !== undefined);
    });
  }

  /** Sets each person's name frequency from the index's name counts. */
  private async attachFrequencies(persons: ReadonlyArray<MatchablePerson>): Promise<void> {
    const fields = [...new Set(persons.filter((p) => p.nameKey).map((p) => this.nameField(p.nameKey)))];
    if (fields.length === 0) return;
    const counts = new Map<string, number>();
    for (let i = 0; i < fields.length; i += CHUNK) {
      const chunk = fields.slice(i, i + CHUNK);
      const values = await this.redis.hmget(this.namesKey, ...chunk);
      chunk.forEach((f, j) => counts.set(f, Number(values[j] ?? 0)));
    }
    const total = Number((await this.redis.get(this.countKey)) ?? 0);
    for (const p of persons) if (p.nameKey) p.nameFrequency = nameFrequency(Math.max(counts.get(this.nameField(p.nameKey)) ?? 0, 0), total, this.baseU);
  }

  /**
   * Adds or updates persons: their old keys are dropped, the new ones added. `fresh` (a rebuild
   * after a flush) skips reading the old entries, which cannot exist.
   */
  async put(persons: ReadonlyArray<IndexedPerson>, fresh = false): Promise<void> {
    for (let i = 0; i < persons.length; i += CHUNK) {
      const chunk = persons.slice(i, i + CHUNK);
      const old = fresh ? [] : await Promise.all((await this.redis.mget(chunk.map((p) => this.personKey(p.id)))).map((v) => (v ? this.openPerson(v) : null)));
      const sealed = await Promise.all(chunk.map((p) => sealJson(this.protector, p, CONTEXT)));
      const pipeline = this.redis.pipeline();
      chunk.forEach((p, j) => {
        const keys = this.keysOf(p);
        const before = old[j] ?? null;
        const was = before ? this.keysOf(before) : [];
        for (const k of was) if (!keys.includes(k)) pipeline.srem(k, p.id);
        for (const k of keys) pipeline.sadd(k, p.id);
        pipeline.set(this.personKey(p.id), sealed[j]);
        const name = this.nameField(nameKeyOf(p.name));
        if (!before) {
          pipeline.hincrby(this.namesKey, name, 1);
          pipeline.incr(this.countKey);
        } else if (this.nameField(nameKeyOf(before.name)) !== name) {
          pipeline.hincrby(this.namesKey, this.nameField(nameKeyOf(before.name)), -1);
          pipeline.hincrby(this.namesKey, name, 1);
        }
      });
      await this.exec(pipeline);
    }
  }

  /** Removes persons (merged into another): they are no longer candidates. */
  async remove(ids: ReadonlyArray<string>): Promise<void> {
    if (ids.length === 0) return;
    const old = await Promise.all((await this.redis.mget(ids.map((id) => this.personKey(id)))).map((v) => (v ? this.openPerson(v) : null)));
    const pipeline = this.redis.pipeline();
    ids.forEach((id, j) => {
      const before = old[j];
      if (!before) return;
      for (const k of this.keysOf(before)) pipeline.srem(k, id);
      pipeline.hincrby(this.namesKey, this.nameField(nameKeyOf(before.name)), -1);
      pipeline.decr(this.countKey);
      pipeline.del(this.personKey(id));
    });
    await this.exec(pipeline);
  }

  async isBuilt(): Promise<boolean> {
    // Built, and in the form this instance writes: entries sealed, or in clear (PROTECTION=off).
    return (await this.redis.get(this.builtKey)) === this.form;
  }

  private building: Promise<number> | null = null;
  /**
   * Set when an update after a commit could not be written and the marker could not be removed
   * either (Redis unreachable): this instance then rebuilds before its next batch, whatever the marker says.
   */
  private stale = false;

  /**
   * Rebuilds the index from the registry when its marker is missing (Redis flushed or restarted
   * empty, or an update after a commit failed). Concurrent callers share one rebuild.
   */
  async ensureBuilt(db: DataSource): Promise<void> {
    if (!this.stale && (await this.isBuilt())) return;
    this.building ??= this.rebuild(db).finally(() => (this.building = null));
    await this.building;
  }

  /** Marks the index as stale: the next batch (of any instance) rebuilds it. */
  async invalidate(): Promise<void> {
    this.stale = true;
    await this.redis.del(this.builtKey);
  }

  /** Drops every key of the index (the registry in PostgreSQL is untouched). */
  async flush(): Promise<number> {
    let cursor = '0';
    let removed = 0;
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.prefix}registry:*`, 'COUNT', 5000);
      cursor = next;
      if (keys.length > 0) removed += await this.redis.del(...keys);
    } while (cursor !== '0');
    return removed;
  }

  /** Rebuilds the index from the registry's active persons, in id order and in chunks. */
  async rebuild(db: DataSource, onProgress?: (done: number) => void): Promise<number> {
    const wasStale = this.stale;
    await this.flush();
    let last = '00000000-0000-0000-0000-000000000000';
    let done = 0;
    for (;;) {
      const rows: Array<{ id: string; identity: string; sex: 'M' | 'F'; village_code: string | null; kk: string | null; mother: string | null }> = await db.query(
        `select p.id, p.identity, p.sex, f.village_code, f.kk,
                case when ms.relationship = 4 then (
                  select p2.identity from registry.memberships m2 join registry.persons p2 on p2.id = m2.person_id
                   where m2.family_id = ms.family_id and m2.valid_to is null and (m2.relationship = 3 or (m2.relationship = 1 and p2.sex = 'F'))
                   order by m2.relationship desc limit 1) end as mother
           from registry.persons p
           left join registry.memberships ms on ms.person_id = p.id and ms.valid_to is null
           left join registry.families f on f.id = ms.family_id
          where p.merged_into is null and p.id > $1
          order by p.id limit ${CHUNK * 5}`,
        [last],
      );
      if (rows.length === 0) break;
      const { personIdentity, familyKk } = PROTECTED.registry;
      const persons = await Promise.all(
        rows.map(async (r): Promise<IndexedPerson> => {
          const { nik, name, birthDate } = await openJson<SealedIdentity>(this.protector, r.identity, personIdentity);
          const kk = r.kk === null ? null : await this.protector.open(r.kk, familyKk);
          const motherName = r.mother === null ? null : (await openJson<SealedIdentity>(this.protector, r.mother, personIdentity)).name;
          return { id: r.id, nik, name, sex: r.sex, birthDate, villageCode: r.village_code, kk, motherName };
        }),
      );
      await this.put(persons, true);
      last = rows[rows.length - 1].id;
      done += rows.length;
      onProgress?.(done);
    }
    await this.redis.set(this.builtKey, this.form);
    if (wasStale) this.stale = false;
    return done;
  }

  /** A person's entry, sealed like the registry's rows (docs/security.md "Encryption at rest"). */
  private openPerson(stored: string): Promise<IndexedPerson> {
    return openJson<IndexedPerson>(this.protector, stored, CONTEXT);
  }

  private keysOf(p: IndexedPerson): string[] {
    return blockingKeysOf(registryMatchable(p)).map((k) => this.blockKey(k));
  }

  private async exec(pipeline: ReturnType<Redis['pipeline']>): Promise<void> {
    for (const [err] of (await pipeline.exec()) ?? []) if (err) throw err;
  }
}
