import type { FamilyState } from '@satupintu/contracts';
import { openIdentifiers, PROTECTED, sealIdentifiers, type Protector } from '@satupintu/protection';

/** Taken out of the read model's states and sealed: birth dates stay, for the DCI API's age and birth-date queries (docs/security.md). */
const READ_MODEL_IDENTIFIERS: ReadonlySet<string> = new Set(['kk', 'nik', 'name']);
const CONTEXT = PROTECTED.gateway.familyIdentity;

/** A member as the read model's `state` holds it: no NIK or name, the NIK's blind index instead (for DCI queries by NIK). */
export type StoredMember = Omit<FamilyState['members'][number], 'nik' | 'name'> & { nikIndex: string | null };
/** A family as the read model's `state` holds it (no KK, NIK or name). */
export type StoredState = Omit<FamilyState, 'kk' | 'members'> & { members: StoredMember[] };

/** The columns of one family in `gateway.registry_families` (and its members' `nik_index`es). */
export interface ReadModelRow {
  kkIndex: string;
  state: StoredState;
  identity: string;
  members: Array<{ personId: string; nikIndex: string | null }>;
}

/**
 * The gateway's read model of the registry stores each family split in two (docs/security.md
 * "Encryption at rest"): the state without KK, NIKs and names, which queries filter on (region,
 * size, welfare decile, sex, birth dates, blind indexes of NIK and KK), and those identifiers sealed
 * as one value (`identity`). A row is found by NIK or KK through their blind indexes only.
 */
export class RegistryReadModel {
  constructor(private readonly protector: Protector) {}

  index(kind: 'nik' | 'kk', value: string): string {
    return this.protector.index(kind, value);
  }

  async toRow(state: FamilyState): Promise<ReadModelRow> {
    const { rest, identity } = await sealIdentifiers(this.protector, state, CONTEXT, READ_MODEL_IDENTIFIERS);
    const members = state.members.map((m) => ({ personId: m.personId, nikIndex: m.nik ? this.index('nik', m.nik) : null }));
    const stored = { ...(rest as unknown as StoredState), members: (rest.members as unknown as StoredMember[]).map((m, i) => ({ ...m, nikIndex: members[i].nikIndex })) };
    return { kkIndex: this.index('kk', state.kk), state: stored, identity, members };
  }

  /**
   * The whole state again. A row written before encryption (`identity` null) holds the whole state
   * itself until the gateway has protected it (at start).
   */
  async fromRow(state: StoredState | FamilyState, identity: string | null): Promise<FamilyState> {
    if (identity === null) return state as FamilyState;
    const whole = (await openIdentifiers(this.protector, state, identity, CONTEXT)) as unknown as FamilyState & { members: Array<{ nikIndex?: unknown }> };
    for (const m of whole.members) delete m.nikIndex;
    return whole;
  }
}
