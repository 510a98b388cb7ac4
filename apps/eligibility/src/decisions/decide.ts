import type { CriterionResult } from '@satupintu/contracts';
import type { Decision } from '@satupintu/domain';

export interface StoredDecision {
  eligible: boolean;
  /** Criteria that failed, by name: a change of reason is a change of decision. */
  failed: string[];
}

/** The stored identity of a decision: the person, or the family for a family-level programme. */
export function subjectOf(d: Decision): string {
  return d.personId ?? d.familyId;
}

export function failedCriteria(criteria: CriterionResult[]): string[] {
  return criteria.filter((c) => !c.passed).map((c) => c.criterion).sort();
}

/**
 * Whether a decision is news for agencies: it flips, or fails for other reasons than before. A
 * first decision is news only when it is eligible (nobody was eligible before); a first "not
 * eligible" is stored silently.
 */
export function isChange(decision: Decision, stored: StoredDecision | undefined): boolean {
  if (!stored) return decision.eligible;
  if (stored.eligible !== decision.eligible) return true;
  const now = failedCriteria(decision.criteria);
  return now.length !== stored.failed.length || now.some((c, i) => c !== stored.failed[i]);
}

/** Whether the stored row must be written (new, or different from what is stored). */
export function needsWrite(decision: Decision, stored: StoredDecision | undefined): boolean {
  return !stored || isChange(decision, stored);
}
