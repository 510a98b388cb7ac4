import type { FamilyState } from '@satupintu/contracts';
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

  async apply(index: PersonIndex): Promise<void> {
    const inFamilies = [...this.families.values()].flatMap(indexedMembers);
    const placed = new Set(inFamilies.map((p) => p.id));
    const put = [...inFamilies, ...[...this.loose.values()].filter((p) => !placed.has(p.id))].filter((p) => !this.removed.has(p.id));
    await index.put(put);
    await index.remove([...this.removed]);
  }
}
