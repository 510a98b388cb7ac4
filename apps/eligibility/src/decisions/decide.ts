import type { CriterionResult, FamilyState } from '@satupintu/contracts';
import type { PersonProgramme } from '@satupintu/domain';

export interface Decision {
  personId: string;
  familyId: string;
  programmeId: string;
  programmeVersion: number;
  eligible: boolean;
  criteria: CriterionResult[];
}

export interface StoredDecision {
  eligible: boolean;
  /** Criteria that failed, by name: a change of reason is a change of decision. */
  failed: string[];
}

/** Decisions for every current member of the changed families; the latest state of a person wins. */
export function decideForFamilies(families: FamilyState[], programmes: PersonProgramme[], onDate: string): Map<string, Decision> {
  const out = new Map<string, Decision>();
  for (const family of families) {
    for (const member of family.members) {
      for (const p of programmes) {
        const { eligible, criteria } = p.evaluate(member, onDate);
        out.set(`${member.personId}|${p.id}`, { personId: member.personId, familyId: family.familyId, programmeId: p.id, programmeVersion: p.version, eligible, criteria });
      }
    }
  }
  return out;
}

export function failedCriteria(criteria: CriterionResult[]): string[] {
  return criteria.filter((c) => !c.passed).map((c) => c.criterion).sort();
}

/** A decision is published only when it is new, flips, or fails for other reasons than before. */
export function isChange(decision: Decision, stored: StoredDecision | undefined): boolean {
  if (!stored) return true;
  if (stored.eligible !== decision.eligible) return true;
  const now = failedCriteria(decision.criteria);
  return now.length !== stored.failed.length || now.some((c, i) => c !== stored.failed[i]);
}
