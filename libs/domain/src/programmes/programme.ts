import type { CriterionResult, FamilyState } from '@satupintu/contracts';
import jsonLogic from 'json-logic-js';
import { z } from 'zod';
import type { GrowthTables } from '../growth/who-growth';
import { familyFacts, personFacts, type FamilyFacts, type PersonFacts } from './facts';

/**
 * A programme as data: who it is for (person or family), its criteria as JSON Logic expressions over
 * the facts of facts.ts, the agency that owns it, and when it applies. A definition never changes
 * once published: a change is a new version.
 */
export const ProgrammeDefinition = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]{2,40}$/),
  version: z.number().int().min(1),
  name: z.strictObject({ id: z.string().min(1), en: z.string().min(1) }),
  agency: z.string().min(1),
  targetUnit: z.enum(['person', 'family']),
  effectiveFrom: z.iso.date(),
  effectiveTo: z.iso.date().nullable().default(null),
  /** All criteria must pass. `any` groups: at least one criterion of each listed group must pass. */
  criteria: z
    .array(
      z.strictObject({
        id: z.string().regex(/^[a-z0-9-]{2,60}$/),
        description: z.string().min(1),
        group: z.string().optional(),
        rule: z.record(z.string(), z.unknown()),
      }),
    )
    .min(1),
});
export type ProgrammeDefinition = z.infer<typeof ProgrammeDefinition>;

export interface Decision {
  programmeId: string;
  programmeVersion: number;
  /** null for a family-level programme. */
  personId: string | null;
  familyId: string;
  eligible: boolean;
  criteria: CriterionResult[];
}

type Facts = { person?: PersonFacts; family: FamilyFacts };

/** Reads a definition (throws with the failing paths); checks that every rule is valid JSON Logic. */
export function parseProgramme(input: unknown): ProgrammeDefinition {
  const p = ProgrammeDefinition.parse(input);
  for (const c of p.criteria) {
    if (!jsonLogic.is_logic(c.rule)) throw new Error(`programme ${p.id} v${p.version}: criterion ${c.id} is not a JSON Logic rule`);
    for (const v of jsonLogic.uses_data(c.rule)) {
      const [scope] = String(v).split('.');
      if (scope !== 'family' && !(scope === 'person' && p.targetUnit === 'person')) {
        throw new Error(`programme ${p.id} v${p.version}: criterion ${c.id} refers to ${v}, not a ${p.targetUnit}-level fact`);
      }
    }
  }
  return p;
}

function lookup(facts: Facts, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), facts);
}

/**
 * Evaluates one criterion. A criterion whose facts are unknown (not recorded) does not pass: absence
 * of data never makes anyone eligible. The value seen is the fact (or facts) the rule reads.
 */
function evaluateCriterion(rule: Record<string, unknown>, facts: Facts): { value: unknown; passed: boolean } {
  const vars = jsonLogic.uses_data(rule).map(String);
  const values = Object.fromEntries(vars.map((v) => [v, lookup(facts, v) ?? null]));
  const value = vars.length === 1 ? values[vars[0]] : values;
  if (vars.some((v) => values[v] === null)) return { value, passed: false };
  return { value, passed: jsonLogic.truthy(jsonLogic.apply(rule as jsonLogic.RulesLogic, facts)) };
}

function decide(p: ProgrammeDefinition, facts: Facts): { eligible: boolean; criteria: CriterionResult[] } {
  const results = p.criteria.map((c) => ({ c, ...evaluateCriterion(c.rule, facts) }));
  const plain = results.filter((r) => !r.c.group);
  const groups = new Map<string, boolean>();
  for (const r of results) if (r.c.group) groups.set(r.c.group, (groups.get(r.c.group) ?? false) || r.passed);
  const eligible = plain.every((r) => r.passed) && [...groups.values()].every(Boolean);
  return { eligible, criteria: results.map((r) => ({ criterion: r.c.id, value: r.value, passed: r.passed })) };
}

/** True when the programme applies on the date. */
export function inEffect(p: ProgrammeDefinition, onDate: string): boolean {
  return p.effectiveFrom <= onDate && (p.effectiveTo === null || onDate <= p.effectiveTo);
}

/**
 * Every decision of the programmes for one family state on a date: one per member for a person
 * programme, one for the family for a family programme. Deterministic: same inputs, same output.
 */
export function evaluateFamily(family: FamilyState, programmes: ProgrammeDefinition[], onDate: string, growth: GrowthTables): Decision[] {
  const people = family.members.map((m) => personFacts(m, onDate, growth));
  const fam = familyFacts(family, people);
  const out: Decision[] = [];
  for (const p of programmes) {
    if (!inEffect(p, onDate)) continue;
    if (p.targetUnit === 'family') {
      out.push({ programmeId: p.id, programmeVersion: p.version, personId: null, familyId: family.familyId, ...decide(p, { family: fam }) });
    } else {
      family.members.forEach((m, i) => {
        out.push({ programmeId: p.id, programmeVersion: p.version, personId: m.personId, familyId: family.familyId, ...decide(p, { person: people[i], family: fam }) });
      });
    }
  }
  return out;
}
