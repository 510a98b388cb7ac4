import type { PairScore } from '@satupintu/contracts';
import { matchable, phoneticKey, type MatchablePerson, type MatchModel } from '@satupintu/matching';

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
  /** The weight name, birth date and sex alone must reach for any suspicion. */
  minIdentityWeight: number;
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
 * A person prepared for registry matching. The KK is left out of the comparison: persons of the
 * same KK are resolved by family context before matching, so every candidate has another KK.
 */
export function registryMatchable(p: Omit<IndexedPerson, 'id' | 'kk'>): MatchablePerson {
  return matchable({ nik: p.nik, name: p.name, sex: p.sex, birthDate: p.birthDate, villageCode: p.villageCode, kk: null, motherName: p.motherName });
}

const sound = (p: MatchablePerson, at: 'first' | 'last') => phoneticKey(p.name.parts[at === 'first' ? 0 : p.name.parts.length - 1] ?? '');

/**
 * The registry's blocking keys, tighter than a list's (the registry is large and its dates are
 * mostly right): the NIK; the birth date within the district (any spelling of the name); the sounds
 * of the first and last name with the birth date, anywhere (a person who moved far); the same
 * sounds with the birth year within the regency (a mistyped or swapped day and month).
 */
export function blockingKeysOf(p: MatchablePerson): string[] {
  const keys: string[] = [];
  if (p.nik) keys.push(`n|${p.nik}`);
  const first = sound(p, 'first');
  const last = sound(p, 'last');
  if (p.birthDate && p.villageCode) keys.push(`d|${p.birthDate}|${p.villageCode.slice(0, 8)}`);
  if (p.birthDate && first) keys.push(`s|${first}|${last}|${p.birthDate}`);
  if (p.birthDate && first && p.villageCode) keys.push(`y|${first}|${last}|${p.birthDate.slice(0, 4)}|${p.villageCode.slice(0, 5)}`);
  return keys;
}

/**
 * The best candidate for a new person and what to do with it: merge (match weight >= mergeAt),
 * review (>= reviewAt), or nothing; never a merge between two different NIKs, nothing when name,
 * birth date and sex alone weigh less than minIdentityWeight. Candidates of the person's own KK are skipped (family context
 * decides those), as are candidates with the same id.
 */
export function bestMatch(incoming: MatchablePerson, kk: string, candidates: ReadonlyArray<Candidate>, settings: MatchSettings): MatchOutcome | null {
  const scored: Array<{ candidate: Candidate; score: number }> = [];
  for (const c of candidates) {
    if (c.person.kk === kk) continue;
    const score = settings.model.score(incoming, c.prepared);
    if (score >= settings.reviewAt) scored.push({ candidate: c, score });
  }
  scored.sort((a, b) => b.score - a.score);
  for (const { candidate, score } of scored) {
    const explained = settings.model.explain(incoming, candidate.prepared);
    // Place and family (region, mother's name) strengthen the evidence of name, birth date and sex
    // but cannot make it: a sibling in the same village, or twins with other names, are not a match.
    if (identityWeight(explained.parts) < settings.minIdentityWeight) continue;
    // Two different NIKs are never merged without a reviewer (duplicate NIK issuance happens, but it
    // is for a person to decide).
    const twoNiks = incoming.nik !== null && candidate.person.nik !== null && incoming.nik !== candidate.person.nik;
    return { candidate: candidate.person, decision: score >= settings.mergeAt && !twoNiks ? 'merge' : 'review', match: explained };
  }
  return null;
}

const IDENTITY = new Set(['name', 'birth-date', 'sex']);
const identityWeight = (parts: ReadonlyArray<{ comparison: string; weight: number }>) => parts.filter((p) => IDENTITY.has(p.comparison)).reduce((sum, p) => sum + p.weight, 0);

/**
 * Whether a NIK found in the registry belongs to someone else: the name, birth date and sex of the
 * holder and of the new record, scored without the NIK, fall below `nikConflictBelow`. Returns the
 * full score (for the review task) when they conflict, null when the NIK can be trusted.
 */
export function nikConflict(holder: MatchablePerson, incoming: MatchablePerson, settings: MatchSettings): PairScore | null {
  const explained = settings.model.explain(incoming, holder);
  return identityWeight(explained.parts) < settings.nikConflictBelow ? explained : null;
}
