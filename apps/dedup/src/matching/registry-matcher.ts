import type { PairScore } from '@satupintu/contracts';
import { identityWeight, judgePair, matchable, personBlockingKeys, type FamilyPolicy, type MatchablePerson, type MatchModel, type MatchPolicy } from '@satupintu/matching';

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

export interface MatchSettings extends MatchPolicy {
  model: MatchModel<MatchablePerson>;
  /** A NIK already held by someone whose name, birth date and sex score below this weight conflicts. */
  nikConflictBelow: number;
  /** How a re-recorded family's members are paired with its current members. */
  family: FamilyPolicy;
  /** Blocks larger than this are skipped (the key is too common to discriminate). */
  maxBlock: number;
}

/** An indexed person with its comparison form prepared once (names normalised). */
export interface Candidate {
  person: IndexedPerson;
  prepared: MatchablePerson;
}

export interface MatchOutcome {
  candidate: IndexedPerson;
  decision: 'merge' | 'review';
  match: PairScore;
}

/**
 * A person prepared for registry matching. Persons of the same KK are settled by family assignment
 * before matching, so every candidate has another KK (a small weight against, as in lists); the KK
 * is not a blocking key here.
 */
export function registryMatchable(p: Omit<IndexedPerson, 'id' | 'kk'> & { kk?: string | null }): MatchablePerson {
  return matchable({ nik: p.nik, name: p.name, sex: p.sex, birthDate: p.birthDate, villageCode: p.villageCode, kk: p.kk ?? null, motherName: p.motherName });
}

/** The registry's blocking keys: those of `libs/matching` (the KK is left out: family assignment settles it). */
export function blockingKeysOf(p: MatchablePerson): string[] {
  return personBlockingKeys({ ...p, kk: null });
}

/**
 * The best candidate for a new person and what to do with it, judged as `judgePair` judges list
 * pairs (merge at mergeAt, review at reviewAt, no merge of two different NIKs, nothing below the
 * identity floor). Candidates of the person's own KK are skipped (family assignment decides those).
 */
export function bestMatch(incoming: MatchablePerson, kk: string, candidates: ReadonlyArray<Candidate>, settings: MatchSettings): MatchOutcome | null {
  const scored: Array<{ candidate: Candidate; score: number }> = [];
  for (const c of candidates) {
    if (c.person.kk === kk) continue;
    const score = settings.model.score(incoming, c.prepared);
    if (score >= settings.reviewAt) scored.push({ candidate: c, score });
  }
  scored.sort((a, b) => b.score - a.score);
  for (const { candidate } of scored) {
    const judged = judgePair(settings.model, incoming, candidate.prepared, settings);
    if (judged.decision) return { candidate: candidate.person, decision: judged.decision, match: judged.explanation };
  }
  return null;
}

/**
 * Whether a NIK found in the registry belongs to someone else: the name, birth date and sex of the
 * holder and of the new record, scored without the NIK, fall below `nikConflictBelow`. Returns the
 * full score (for the review task) when they conflict, null when the NIK can be trusted.
 */
export function nikConflict(holder: MatchablePerson, incoming: MatchablePerson, settings: MatchSettings): PairScore | null {
  const explained = settings.model.explain(incoming, holder);
  return identityWeight(explained.parts) < settings.nikConflictBelow ? explained : null;
}
