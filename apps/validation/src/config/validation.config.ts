import { activateRuleSet, DEFAULT_RULE_SET, type ActiveRuleSet } from '@satupintu/domain';
import { parseConfig } from '@satupintu/platform';
import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** The validation service's own settings (besides the platform's). */
const ValidationConfigSchema = z.object({
  /** A rule-set JSON file (see docs/validation-rules.md); the built-in default when unset. */
  VALIDATION_RULE_SET: z.string().optional(),
  /** Time zone of "today" for future dates and ages. */
  VALIDATION_TIME_ZONE: z.string().default('Asia/Jakarta'),
});

export interface ValidationSettings {
  ruleSet: ActiveRuleSet;
  timeZone: string;
}

export const VALIDATION_SETTINGS = Symbol('VALIDATION_SETTINGS');

/** Reads the settings and activates the rule set; throws (the service does not start) when wrong. */
export function loadValidationSettings(env: Record<string, string | undefined> = process.env): ValidationSettings {
  const c = parseConfig(ValidationConfigSchema, env);
  const doc: unknown = c.VALIDATION_RULE_SET ? JSON.parse(readFileSync(c.VALIDATION_RULE_SET, 'utf8')) : DEFAULT_RULE_SET;
  new Intl.DateTimeFormat('en', { timeZone: c.VALIDATION_TIME_ZONE }); // throws on an unknown zone
  return { ruleSet: activateRuleSet(doc), timeZone: c.VALIDATION_TIME_ZONE };
}
