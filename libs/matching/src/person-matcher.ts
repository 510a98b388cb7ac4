import type { Explanation, MatchModel } from './model';
import { IDENTITY_COMPARISONS, type MatchablePerson } from './person-model';

/**
 * The decisions of person matching, the same for the registry and for lists: the thresholds of
 * the match weight, and the guards no weight overrides.
 */
export interface MatchPolicy {
  /** At or above this match weight (sum of log2 m/u): the same person. */
  mergeAt: number;
  /** At or above this weight (below mergeAt): a pair for a person to review. */
  reviewAt: number;
  /**
   * The weight name, birth date and sex alone must reach for a merge or a review: place and family
   * strengthen the evidence of who someone is but cannot make it (a sibling in the same village,
   * twins with other names).
   */
  minIdentityWeight: number;
  /**
   * With the same NIK on both sides, name, birth date and sex need only reach this weight (the
   * registry's DEDUP_NIK_CONFLICT_BELOW, default 0): below it the NIK is someone else's.
   */
  nikConflictBelow?: number;
}

export type PairDecision = 'merge' | 'review';

export interface JudgedPair {
  decision: PairDecision | null;
  explanation: Explanation;
  /** Name, birth date and sex only. */
  identityWeight: number;
}

/** The weight of name, birth date and sex in an explanation. */
export function identityWeight(parts: ReadonlyArray<{ comparison: string; weight: number }>): number {
  let w = 0;
  for (const p of parts) if (IDENTITY_COMPARISONS.has(p.comparison)) w += p.weight;
  return w;
}

/** Two NIKs that differ by more than a typo (one digit mistyped, dropped or two neighbours swapped). */
export function differentNiks(explanation: Explanation): boolean {
  return explanation.parts.some((p) => p.comparison === 'nik' && p.level === 'different');
}

/**
 * Whether the names say "the same name" (exactly, in another spelling, with a typo or a part
 * missing) rather than "another name sharing a part" or "another name". Twins, and siblings with a
 * family name, carry consecutive NIKs, the same birth date and the same family: only the name tells
 * them apart, so no merge is made without it.
 */
export function namesAgree(explanation: Explanation, a?: Pick<MatchablePerson, 'nik'>, b?: Pick<MatchablePerson, 'nik'>): boolean {
  const name = explanation.parts.find((p) => p.comparison === 'name');
  if (!name || name.level === null) return true;
  if (name.level === 'shares-a-part' || name.level === 'different') return false;
  // Two NIKs one keystroke apart that could be twins' (see `possibleTwinNiks`) need the whole name,
  // not a name with a part missing; any other one-digit difference is a typo.
  const nik = explanation.parts.find((p) => p.comparison === 'nik');
  if (nik?.level !== 'one-edit' || name.level !== 'part-missing') return true;
  return a?.nik && b?.nik ? !possibleTwinNiks(a.nik, b.nik) : false;
}

/**
 * Whether two NIKs could belong to twins: the same region, birth date and sex (the first 12 digits)
 * and serials a few numbers apart (Dukcapil numbers the people born on one day in one district in
 * order, so twins registered together get neighbouring serials). A mistyped digit elsewhere, or a
 * serial far off (3148 for 8148, 0458 for 4058), is a typo of one person's NIK.
 */
export function possibleTwinNiks(a: string, b: string): boolean {
  if (a.length !== 16 || b.length !== 16 || a.slice(0, 12) !== b.slice(0, 12)) return false;
  return Math.abs(Number(a.slice(12)) - Number(b.slice(12))) <= 5;
}

/**
 * One pair judged: merge at or above `mergeAt`, review at or above `reviewAt`. The same NIK on both
 * sides needs only name, birth date and sex above `nikConflictBelow` (as the registry's NIK look-up
 * does). Otherwise never a merge of two
 * NIKs that differ by more than a typo (duplicate issuance happens, but it is for a person to
 * decide) or of two names that do not agree (`namesAgree`), nothing when name, birth date and sex
 * weigh less than `minIdentityWeight`.
 */
export function judgePair(model: MatchModel<MatchablePerson>, a: MatchablePerson, b: MatchablePerson, policy: MatchPolicy): JudgedPair {
  const explanation = model.explain(a, b);
  const identity = identityWeight(explanation.parts);
  let decision: PairDecision | null = null;
  const sameNik = a.nik !== null && a.nik === b.nik;
  if (sameNik) {
    // The NIK says who it is, unless name, birth date and sex say it is someone else's.
    if (identity >= (policy.nikConflictBelow ?? 0)) decision = explanation.score >= policy.mergeAt ? 'merge' : 'review';
  } else if (identity >= policy.minIdentityWeight) {
    if (explanation.score >= policy.mergeAt && !differentNiks(explanation) && namesAgree(explanation, a, b)) decision = 'merge';
    else if (explanation.score >= policy.reviewAt) decision = 'review';
  }
  return { decision, explanation, identityWeight: identity };
}

/** How the members of a re-recorded family are paired with the family's current members. */
export interface FamilyPolicy {
  /** At or above this weight (name, birth date, sex and NIK) an incoming member is a current member. */
  sameMemberAt: number;
  /** Name, birth date and sex alone must weigh at least this. */
  minIdentityWeight: number;
}

const FAMILY_COMPARISONS = new Set(['nik', 'name', 'birth-date', 'sex']);

/**
 * Reconciles a family's incoming members with its current members as an assignment: every pair
 * scored by the model on NIK, name, birth date and sex (place and KK are shared by the whole
 * family, so they say nothing), pairs taken best first, each member used once. A pair is taken only
 * at or above `sameMemberAt`, with name, birth date and sex weighing at least `minIdentityWeight`,
 * names that agree and no NIKs that differ by more than a typo. So "Moh. Dadang" finds "Dadang", a birth date a day
 * off or swapped still finds its person, and a son named after his father, twins or a newborn
 * sibling stay themselves. Returns, per incoming member, the index of its current member or null.
 */
export function assignFamilyMembers(
  model: MatchModel<MatchablePerson>,
  incoming: ReadonlyArray<MatchablePerson | null>,
  current: ReadonlyArray<MatchablePerson | null>,
  policy: FamilyPolicy,
): Array<number | null> {
  const pairs: Array<{ i: number; j: number; score: number }> = [];
  incoming.forEach((a, i) => {
    if (!a) return;
    current.forEach((b, j) => {
      if (!b) return;
      const e = model.explain(a, b);
      if (differentNiks(e) || !namesAgree(e, a, b)) return;
      let score = 0;
      for (const p of e.parts) if (FAMILY_COMPARISONS.has(p.comparison)) score += p.weight;
      if (score >= policy.sameMemberAt && identityWeight(e.parts) >= policy.minIdentityWeight) pairs.push({ i, j, score });
    });
  });
  pairs.sort((x, y) => y.score - x.score || x.i - y.i || x.j - y.j);
  const out: Array<number | null> = incoming.map(() => null);
  const used = new Set<number>();
  for (const p of pairs) {
    if (out[p.i] !== null || used.has(p.j)) continue;
    out[p.i] = p.j;
    used.add(p.j);
  }
  return out;
}
