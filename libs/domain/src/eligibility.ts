import type { CriterionResult, MemberState } from '@satupintu/contracts';
import { ageOn } from './dates';

/**
 * The walking skeleton's one programme: a person aged 60 or more (the age criterion of the elderly
 * card). The programme catalogue with versions and full criteria is built on this shape.
 */
export interface PersonProgramme {
  id: string;
  version: number;
  evaluate(person: Pick<MemberState, 'birthDate'>, onDate: string): { eligible: boolean; criteria: CriterionResult[] };
}

export const ELDERLY_60: PersonProgramme = {
  id: 'lansia-60',
  version: 1,
  evaluate(person, onDate) {
    const age = ageOn(person.birthDate, onDate);
    const criteria: CriterionResult[] = [{ criterion: 'age >= 60', value: age, passed: age >= 60 }];
    return { eligible: criteria.every((c) => c.passed), criteria };
  },
};
