import { z } from 'zod';
import { MemberAttributes } from '../family-record';
import { EventBase, IsoDate, IsoTimestamp, Sex } from '../primitives';

/** A person's golden record as the registry holds it, with where they live now. */
export const PersonSnapshot = z.object({
  personId: z.uuid(),
  nik: z.string().nullable(),
  name: z.string(),
  sex: Sex,
  birthDate: IsoDate,
  attributes: MemberAttributes.default({}),
  familyId: z.uuid().nullable(),
  kk: z.string().nullable(),
  villageCode: z.string().nullable(),
  relationship: z.number().int().nullable(),
});
export type PersonSnapshot = z.infer<typeof PersonSnapshot>;

/** How one comparison of a pair scored: its level and its match weight (log2 m/u). */
export const ScorePart = z.object({ comparison: z.string(), level: z.string().nullable(), weight: z.number() });

/** The score of a pair broken down by comparison (Fellegi-Sunter). */
export const PairScore = z.object({ score: z.number(), probability: z.number().min(0).max(1), parts: z.array(ScorePart) });
export type PairScore = z.infer<typeof PairScore>;

export const MergeDecider = z.discriminatedUnion('type', [
  z.object({ type: z.literal('automatic') }),
  z.object({ type: z.literal('review'), taskId: z.uuid(), reviewer: z.string() }),
]);
export type MergeDecider = z.infer<typeof MergeDecider>;

/** Two person records were found to be one person: `mergedId` now resolves to `survivorId`. */
export const PersonMergedV1 = EventBase.extend({
  mergeId: z.uuid(),
  survivorId: z.uuid(),
  mergedId: z.uuid(),
  decidedBy: MergeDecider,
  match: PairScore.nullable(),
  /** The survivor's golden record after the merge. */
  survivor: PersonSnapshot,
});
export type PersonMergedV1 = z.infer<typeof PersonMergedV1>;

/** A merge was undone: both persons exist again, each with its own values and family. */
export const PersonUnmergedV1 = EventBase.extend({
  mergeId: z.uuid(),
  survivorId: z.uuid(),
  mergedId: z.uuid(),
  reviewer: z.string(),
  reason: z.string(),
  survivor: PersonSnapshot,
  restored: PersonSnapshot,
});
export type PersonUnmergedV1 = z.infer<typeof PersonUnmergedV1>;

export const SuspicionReason = z.enum(['probable-match', 'nik-conflict']);

/** A review task: two persons that may be one, side by side, and what became of it. */
export const ReviewTaskV1 = EventBase.extend({
  taskId: z.uuid(),
  /** Grows with every change of the task; the highest wins. */
  revision: z.number().int().min(1),
  status: z.enum(['open', 'same', 'different', 'withdrawn']),
  reason: SuspicionReason,
  /** Village of the newer record: tasks are listed by region. */
  villageCode: z.string(),
  openedAt: IsoTimestamp,
  a: PersonSnapshot,
  b: PersonSnapshot,
  match: PairScore,
  decision: z
    .object({ reviewer: z.string(), decidedAt: IsoTimestamp, note: z.string().nullable(), mergeId: z.uuid().nullable() })
    .nullable(),
});
export type ReviewTaskV1 = z.infer<typeof ReviewTaskV1>;

/** Two persons may be one: a review task was opened (the task, as opened). */
export const DuplicateSuspectedV1 = ReviewTaskV1;
export type DuplicateSuspectedV1 = ReviewTaskV1;

/** What reviewers ask of the registry (sent by the gateway). */
export const RegistryCommandV1 = z.discriminatedUnion('type', [
  EventBase.extend({
    type: z.literal('review-decision'),
    taskId: z.uuid(),
    decision: z.enum(['same', 'different']),
    reviewer: z.string().min(1).max(100),
    note: z.string().max(1000).nullable(),
  }),
  EventBase.extend({
    type: z.literal('unmerge'),
    mergeId: z.uuid(),
    reviewer: z.string().min(1).max(100),
    reason: z.string().min(1).max(1000),
  }),
]);
export type RegistryCommandV1 = z.infer<typeof RegistryCommandV1>;
