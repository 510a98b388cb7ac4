import { z } from 'zod';
import { RULE_CATALOGUE, RULE_CODES, type RuleCode, type Severity } from './rule-catalogue';

/**
 * A rule set: which catalogue rules are active, with which severity and thresholds. It is
 * configuration (a JSON file named by VALIDATION_RULE_SET in the validation service) with a version
 * that every validation result records.
 */
export const RuleSetConfig = z.strictObject({
  version: z.string().min(1).max(64),
  description: z.string().max(500).optional(),
  rules: z
    .record(
      z.string(),
      z.strictObject({
        enabled: z.boolean().optional(),
        severity: z.enum(['error', 'warning']).optional(),
        params: z.record(z.string(), z.number()).optional(),
      }),
    )
    .default({}),
});
export type RuleSetConfig = z.infer<typeof RuleSetConfig>;

export interface ActiveRuleSet {
  version: string;
  enabled(code: RuleCode): boolean;
  severity(code: RuleCode): Severity;
  param(code: RuleCode, name: string): number;
}

/** The built-in rule set: every rule of the catalogue with its default severity and thresholds. */
export const DEFAULT_RULE_SET: RuleSetConfig = { version: '2026.11.1', rules: {} };

/** Checks a rule-set document against the catalogue; throws with every problem named. */
export function activateRuleSet(input: unknown): ActiveRuleSet {
  const config = RuleSetConfig.parse(input);
  const problems: string[] = [];
  for (const [code, rule] of Object.entries(config.rules)) {
    if (!(code in RULE_CATALOGUE)) {
      problems.push(`unknown rule ${code}`);
      continue;
    }
    const known = (RULE_CATALOGUE[code as RuleCode] as { params?: Record<string, number> }).params ?? {};
    for (const name of Object.keys(rule.params ?? {})) if (!(name in known)) problems.push(`rule ${code} has no parameter ${name}`);
  }
  if (problems.length > 0) throw new Error(`invalid rule set ${config.version}: ${problems.join('; ')}`);

  const enabled = new Map<RuleCode, boolean>();
  const severity = new Map<RuleCode, Severity>();
  const params = new Map<string, number>();
  for (const code of RULE_CODES) {
    const def = RULE_CATALOGUE[code] as { severity: Severity; params?: Record<string, number> };
    const override = config.rules[code];
    enabled.set(code, override?.enabled ?? true);
    severity.set(code, override?.severity ?? def.severity);
    for (const [name, value] of Object.entries({ ...def.params, ...override?.params })) params.set(`${code}.${name}`, value);
  }
  return {
    version: config.version,
    enabled: (code) => enabled.get(code) ?? false,
    severity: (code) => severity.get(code) ?? 'error',
    param: (code, name) => {
      const v = params.get(`${code}.${name}`);
      if (v === undefined) throw new Error(`rule ${code} has no parameter ${name}`);
      return v;
    },
  };
}
