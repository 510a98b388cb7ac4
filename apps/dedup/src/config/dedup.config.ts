import { DEFAULT_PERSON_PARAMETERS, MatchModel, PERSON_COMPARISONS, type ModelParameters } from '@satupintu/matching';
import { parseConfig } from '@satupintu/platform';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { MatchSettings } from '../matching/registry-matcher';

const DedupConfigSchema = z.object({
  /** m/u parameters of the person model (JSON, as written by `sp train-person-model`); the trained default when unset. */
  DEDUP_MODEL_FILE: z.string().optional(),
  /** Match weight (sum of log2 m/u) at or above which a new record is merged into an existing person automatically. */
  DEDUP_MERGE_AT: z.coerce.number().default(18),
  /** Match weight at or above which (and below DEDUP_MERGE_AT) a review task is opened. */
  DEDUP_REVIEW_AT: z.coerce.number().default(12),
  /** A NIK whose holder's name, birth date and sex score below this match weight is treated as a conflict. */
  DEDUP_NIK_CONFLICT_BELOW: z.coerce.number().default(0),
  /** Name, birth date and sex alone must weigh at least this for a merge or a review (place and family only add to it). */
  DEDUP_MIN_IDENTITY_WEIGHT: z.coerce.number().default(10),
  /** A re-recorded family's member is one of the family's current members at or above this weight (NIK, name, birth date, sex). */
  DEDUP_FAMILY_SAME_AT: z.coerce.number().default(10),
  /** ... and only when name, birth date and sex alone weigh at least this. */
  DEDUP_FAMILY_MIN_IDENTITY_WEIGHT: z.coerce.number().default(4),
  /** Blocking keys shared by more persons than this are skipped (too common to discriminate). */
  DEDUP_MAX_BLOCK: z.coerce.number().int().min(10).max(100_000).default(500),
});

export const MATCH_SETTINGS = Symbol('MATCH_SETTINGS');

export function loadMatchSettings(env: Record<string, string | undefined> = process.env): MatchSettings {
  const c = parseConfig(DedupConfigSchema, env);
  if (c.DEDUP_REVIEW_AT > c.DEDUP_MERGE_AT) throw new Error('DEDUP_REVIEW_AT must not exceed DEDUP_MERGE_AT');
  const parameters = (c.DEDUP_MODEL_FILE ? JSON.parse(readFileSync(c.DEDUP_MODEL_FILE, 'utf8')) : DEFAULT_PERSON_PARAMETERS) as ModelParameters;
  return {
    model: new MatchModel(PERSON_COMPARISONS, parameters),
    mergeAt: c.DEDUP_MERGE_AT,
    reviewAt: c.DEDUP_REVIEW_AT,
    nikConflictBelow: c.DEDUP_NIK_CONFLICT_BELOW,
    minIdentityWeight: c.DEDUP_MIN_IDENTITY_WEIGHT,
    family: { sameMemberAt: c.DEDUP_FAMILY_SAME_AT, minIdentityWeight: c.DEDUP_FAMILY_MIN_IDENTITY_WEIGHT },
    maxBlock: c.DEDUP_MAX_BLOCK,
  };
}

