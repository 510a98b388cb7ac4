import type { PairScore } from '@satupintu/contracts';
import { matchable, PERSON_BLOCKING_KEYS, type MatchablePerson, type MatchModel } from '@satupintu/matching';

/** What the registry's hot-path index keeps of a person for matching (Redis, rebuilt from PostgreSQL). */
export interface IndexedPerson {
  id: string;
  nik: string | null;
  name: string;
  sex: 'M' | 'F';
  birthDate: string;
  villageCode: string | null;
  kk: string | null;
  motherName: string | null;
}

export interface MatchSettings {
  model: MatchModel<MatchablePerson>;
  /** At or above this match weight (the Fellegi-Sunter upper threshold): the same person, merged automatically. */
  mergeAt: number;
  /** At or above this weight (the lower threshold) and below mergeAt: a review task. */
  reviewAt: number;
  /** A NIK already held by someone whose name, birth date and sex score below this weight conflicts. */
  nikConflictBelow: number;
  /** Blocks larger than this are skipped (the key is too common to discriminate). */
  maxBlock: number;
}

export interface MatchOutcome {
  candidate: IndexedPerson;
  decision: 'merge' | 'review';
  match: PairScore;
}

/**
 * A person prepared for registry matching. The KK is left out of the comparison: persons of the
 * same KK are resolved by family context before matching, so every candidate has another KK.
 */
export function registryMatchable(p: Omit<IndexedPerson, 'id' | 'kk'>): MatchablePerson {
  return matchable({ nik: p.nik, name: p.name, sex: p.sex, birthDate: p.birthDate, villageCode: p.villageCode, kk: null, motherName: p.motherName });
}

/** The blocking keys of a person (distinct, non-empty). */
export function blockingKeysOf(p: MatchablePerson): string[] {
  const keys = new Set<string>();
  for (const key of PERSON_BLOCKING_KEYS) {
    const k = key(p);
    if (k) keys.add(k);
  }
  return [...keys];
}

/**
 * The best candidate for a new person and what to do with it: merge (match weight >= mergeAt),
 * review (>= reviewAt), or nothing; never a merge between two different NIKs. Candidates of the person's own KK are skipped (family context
 * decides those), as are candidates with the same id.
 */
export function bestMatch(incoming: MatchablePerson, kk: string, candidates: ReadonlyArray<IndexedPerson>, settings: MatchSettings): MatchOutcome | null {
  let best: { candidate: IndexedPerson; score: number } | null = null;
  for (const c of candidates) {
    if (c.kk === kk) continue;
    const score = settings.model.score(incoming, registryMatchable(c));
    if (!best || score > best.score) best = { candidate: c, score };
  }
  if (!best || best.score < settings.reviewAt) return null;
  const explained = settings.model.explain(incoming, registryMatchable(best.candidate));
  // Two different NIKs are never merged without a reviewer (duplicate NIK issuance happens, but it
  // is for a person to decide).
  const twoNiks = incoming.nik !== null && best.candidate.nik !== null && incoming.nik !== best.candidate.nik;
  return { candidate: best.candidate, decision: best.score >= settings.mergeAt && !twoNiks ? 'merge' : 'review', match: explained };
}

const IDENTITY = new Set(['name', 'birth-date', 'sex']);

/**
 * Whether a NIK found in the registry belongs to someone else: the name, birth date and sex of the
 * holder and of the new record, scored without the NIK, fall below `nikConflictBelow`. Returns the
 * full score (for the review task) when they conflict, null when the NIK can be trusted.
 */
export function nikConflict(holder: MatchablePerson, incoming: MatchablePerson, settings: MatchSettings): PairScore | null {
  const explained = settings.model.explain(incoming, holder);
  const identity = explained.parts.filter((p) => IDENTITY.has(p.comparison)).reduce((sum, p) => sum + p.weight, 0);
  return identity < settings.nikConflictBelow ? explained : null;
}
