import { loadProgrammes, type ProgrammeDefinition } from '@satupintu/domain';
import { parseConfig } from '@satupintu/platform';
import { z } from 'zod';

const EligibilityConfigSchema = z.object({
  /** A folder of programme definitions (*.json); the seven built-in programmes when unset. */
  ELIGIBILITY_PROGRAMMES_DIR: z.string().optional(),
  /** Time zone of the evaluation date (ages). */
  ELIGIBILITY_TIME_ZONE: z.string().default('Asia/Jakarta'),
  /** Re-evaluate the whole registry once a day (ages and dates move without any registry change). */
  ELIGIBILITY_DAILY_REEVALUATION: z.enum(['true', 'false']).default('true'),
  /** How often an instance checks whether today's re-evaluation has run (seconds). */
  ELIGIBILITY_REEVALUATION_CHECK_SECONDS: z.coerce.number().int().min(5).max(86_400).default(300),
});

export interface EligibilitySettings {
  programmes: ProgrammeDefinition[];
  timeZone: string;
  dailyReevaluation: boolean;
  reevaluationCheckSeconds: number;
}

export const ELIGIBILITY_SETTINGS = Symbol('ELIGIBILITY_SETTINGS');

/** Reads the settings and the programme definitions; throws (the service does not start) when wrong. */
export function loadEligibilitySettings(env: Record<string, string | undefined> = process.env): EligibilitySettings {
  const c = parseConfig(EligibilityConfigSchema, env);
  new Intl.DateTimeFormat('en', { timeZone: c.ELIGIBILITY_TIME_ZONE });
  const programmes = c.ELIGIBILITY_PROGRAMMES_DIR ? loadProgrammes(c.ELIGIBILITY_PROGRAMMES_DIR) : loadProgrammes();
  const ids = programmes.map((p) => p.id);
  const twice = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (twice.length > 0) throw new Error(`more than one active version of ${[...new Set(twice)].join(', ')}`);
  return {
    programmes,
    timeZone: c.ELIGIBILITY_TIME_ZONE,
    dailyReevaluation: c.ELIGIBILITY_DAILY_REEVALUATION === 'true',
    reevaluationCheckSeconds: c.ELIGIBILITY_REEVALUATION_CHECK_SECONDS,
  };
}
