/**
 * Every column that holds a protected value, with the context it is sealed under (the context is
 * authenticated with the value: a value copied to another column does not open). The storage code,
 * the `rotate` commands and the test that reads the tables raw all take them from here.
 */
export const PROTECTED = {
  registry: {
    /** `{ nik, name, birthDate }` of the golden record. */
    personIdentity: 'registry.persons.identity',
    /** `{ nik, name, birthDate }` as one source recorded them. */
    observationIdentity: 'registry.person_observations.identity',
    familyKk: 'registry.families.kk',
    historyDiff: 'registry.family_history.diff',
    historyAfter: 'registry.family_history.after',
  },
} as const;

/** A person's identifying fields, sealed together as one value. */
export interface SealedIdentity {
  nik: string | null;
  name: string;
  birthDate: string;
}
