import { TOPICS } from '@satupintu/contracts';
import { parseProgramme, sameJson, type ProgrammeDefinition } from '@satupintu/domain';
import { enqueueOutbox } from '@satupintu/persistence';
import { outboxEvent } from '@satupintu/platform';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';

/** Tells read models and agencies which versions are now in force (compacted topic, keyed by programme). */
async function announce(m: EntityManager, activated: Array<{ definition: unknown }>): Promise<void> {
  const now = new Date().toISOString();
  await enqueueOutbox(
    m,
    'eligibility',
    activated.map(({ definition }) => {
      const p = parseProgramme(definition);
      return outboxEvent(TOPICS.eligibilityProgrammeActivated, p.id, {
        eventId: randomUUID(),
        occurredAt: now,
        programmeId: p.id,
        version: p.version,
        name: p.name,
        agency: p.agency,
        targetUnit: p.targetUnit,
        effectiveFrom: p.effectiveFrom,
        effectiveTo: p.effectiveTo,
        criteria: p.criteria.map((c) => ({ id: c.id, description: c.description, group: c.group ?? null })),
      });
    }),
  );
}

/**
 * The programme versions the service knows and which one of each is active, in PostgreSQL so that
 * every instance evaluates with the same versions. A new version becomes active only through a
 * backfill (which then re-evaluates the whole registry).
 */
export class ProgrammeCatalog {
  /** Versions never change once recorded, so their parsed definitions are kept. */
  private readonly parsed = new Map<string, ProgrammeDefinition>();

  constructor(private readonly db: DataSource) {}

  /** Records the configured definitions; activates the highest version of programmes with none active. */
  async seed(definitions: ProgrammeDefinition[]): Promise<void> {
    await this.db.transaction(async (m) => {
      await this.record(m, definitions);
      const [activated]: [Array<{ definition: unknown }>, number] = await m.query(
        `update eligibility.programmes p set active = true, activated_at = now()
          where not exists (select 1 from eligibility.programmes a where a.id = p.id and a.active)
            and p.version = (select max(version) from eligibility.programmes v where v.id = p.id)
          returning definition`,
      );
      await announce(m, activated);
    });
  }

  /** Makes exactly these versions active (other versions of the same programmes become inactive). */
  async activate(m: EntityManager, definitions: ProgrammeDefinition[]): Promise<void> {
    await this.record(m, definitions);
    for (const d of definitions) {
      await m.query(`update eligibility.programmes set active = false where id = $1 and version <> $2 and active`, [d.id, d.version]);
      const [activated]: [Array<{ definition: unknown }>, number] = await m.query(
        `update eligibility.programmes set active = true, activated_at = now() where id = $1 and version = $2 and not active returning definition`,
        [d.id, d.version],
      );
      await announce(m, activated);
    }
  }

  /**
   * The active versions. Inside a transaction (`m`) the rows are read FOR SHARE, so an activation
   * waits for transactions evaluating with the old versions, and every transaction that starts
   * after it sees the new ones: nothing is evaluated with a version the backfill has replaced.
   */
  async active(m?: EntityManager): Promise<ProgrammeDefinition[]> {
    const rows: Array<{ id: string; version: number; definition: unknown }> = await (m ?? this.db).query(
      `select id, version, definition from eligibility.programmes where active order by id${m ? ' for share' : ''}`,
    );
    return rows.map((r) => {
      const key = `${r.id}:${r.version}`;
      let parsed = this.parsed.get(key);
      if (!parsed) {
        parsed = parseProgramme(r.definition);
        this.parsed.set(key, parsed);
      }
      return parsed;
    });
  }

  /** The active set with `replacements` in place of the same programmes (for a dry run). */
  async activeWith(replacements: ProgrammeDefinition[]): Promise<ProgrammeDefinition[]> {
    const byId = new Map((await this.active()).map((p) => [p.id, p]));
    for (const r of replacements) byId.set(r.id, r);
    return [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  private async record(m: EntityManager, definitions: ProgrammeDefinition[]): Promise<void> {
    for (const d of definitions) {
      const [existing]: Array<{ definition: unknown }> = await m.query('select definition from eligibility.programmes where id = $1 and version = $2', [d.id, d.version]);
      if (existing && !sameJson(parseProgramme(existing.definition), d)) {
        throw new Error(`programme ${d.id} version ${d.version} is already recorded with another definition: publish a new version`);
      }
      if (!existing) await m.query('insert into eligibility.programmes (id, version, definition) values ($1, $2, $3)', [d.id, d.version, JSON.stringify(d)]);
    }
  }
}
