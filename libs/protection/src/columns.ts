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
    /** A person's entry in dedup's matching index in Redis (what matching compares). */
    indexEntry: 'redis.registry.person',
  },
  gateway: {
    /** KK, NIKs and names of the read model's family state (`takeOut`); the rest of the state stays queryable. */
    familyIdentity: 'gateway.registry_families.identity',
    /** NIKs, KKs, names and birth dates of the persons of a review task. */
    reviewIdentity: 'gateway.review_tasks.identity',
    mergeIdentity: 'gateway.merges.identity',
    importFile: 'gateway.import_files.data',
    dciRequests: 'gateway.dci_transactions.requests',
    dciMessage: 'gateway.dci_deliveries.message',
  },
  eligibility: {
    /** Eligibility's copy of each family's state (no KK, NIK or name; birth dates for ages). */
    familyState: 'eligibility.families.state',
  },
  aggregation: {
    familyState: 'aggregation.families.state',
  },
  subscriptions: {
    agencyView: 'subscriptions.agency_families.payload',
    webhookBody: 'subscriptions.webhook_deliveries.body',
  },
} as const;

/** A person's identifying fields, sealed together as one value. */
export interface SealedIdentity {
  nik: string | null;
  name: string;
  birthDate: string;
}
