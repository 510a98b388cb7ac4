import type { FamilyState } from '@satupintu/contracts';
import { describeError } from '@satupintu/faults';
import type { Logger } from '@satupintu/observability';
import { indexedMembers, type PersonIndex } from '../matching/person-index';
import type { IndexedPerson } from '../matching/registry-matcher';
import type { RegistryWrite } from './registry.repository';

/**
 * What one transaction changes in the matching index, applied after it commits: the members of
 * every family it changed (their newest state) are put, persons merged away are removed.
 */
export class IndexUpdates {
  private readonly families = new Map<string, FamilyState>();
  private readonly removed = new Set<string>();
  /** Persons without a family (records without KK), indexed with the village they were recorded in. */
  private readonly loose = new Map<string, IndexedPerson>();

  add(write: Pick<RegistryWrite, 'families'>, removed: string[] = []): void {
    for (const [id, f] of write.families) this.families.set(id, f);
    for (const id of removed) this.removed.add(id);
  }

  addPersons(persons: IndexedPerson[]): void {
    for (const p of persons) this.loose.set(p.id, p);
  }

  /**
   * Writes the updates after their transaction committed. PostgreSQL already has the change, so a
   * Redis blip is waited out briefly (about 4 s); if Redis is still away, the index is marked stale and
   * rebuilt from the registry before the next batch, so no committed person is missing from matching.
   */
  async applyAfterCommit(index: PersonIndex, logger: Logger): Promise<void> {
    let error: unknown;
    for (const pause of [0, 250, 750, 1_000, 2_000]) {
      if (pause > 0) await new Promise((r) => setTimeout(r, pause));
      try {
        await this.apply(index);
        return;
      } catch (err) {
        error = err;
      }
    }
    logger.warn(describeError(error), 'matching index update failed after the commit; the index is rebuilt before the next batch');
    await index.invalidate().catch(() => undefined);
  }

  async apply(index: PersonIndex): Promise<void> {
    const inFamilies = [...this.families.values()].flatMap(indexedMembers);
    const placed = new Set(inFamilies.map((p) => p.id));
    const put = [...inFamilies, ...[...this.loose.values()].filter((p) => !placed.has(p.id))].filter((p) => !this.removed.has(p.id));
    await index.put(put);
    await index.remove([...this.removed]);
  }
}
