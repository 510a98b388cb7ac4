import type { FamilyState } from '@satupintu/contracts';
import { indexedMembers, type PersonIndex } from '../matching/person-index';
import type { RegistryWrite } from './registry.repository';

/**
 * What one transaction changes in the matching index, applied after it commits: the members of
 * every family it changed (their newest state) are put, persons merged away are removed.
 */
export class IndexUpdates {
  private readonly families = new Map<string, FamilyState>();
  private readonly removed = new Set<string>();

  add(write: Pick<RegistryWrite, 'families'>, removed: string[] = []): void {
    for (const [id, f] of write.families) this.families.set(id, f);
    for (const id of removed) this.removed.add(id);
  }

  async apply(index: PersonIndex): Promise<void> {
    const put = [...this.families.values()].flatMap(indexedMembers).filter((p) => !this.removed.has(p.id));
    await index.put(put);
    await index.remove([...this.removed]);
  }
}
