import {
  compareDates,
  compareExact,
  compareIds,
  compareNames,
  compareRegions,
  DATE_LEVELS,
  EXACT_LEVELS,
  ID_LEVELS,
  NAME_LEVELS,
  REGION_LEVELS,
} from './compare';
import type { ComparisonSpec, ModelParameters } from './model';
import { normaliseName, phoneticKey, spellingKey, type NormalisedName } from './names';
import type { TrainingSession } from './training';
import trained from './person-model.json';

/** What person matching looks at, prepared once per person (names normalised). */
export interface MatchablePerson {
  nik: string | null;
  name: NormalisedName;
  /** The spelling-folded name: the value whose frequency adjusts an exact name's weight. */
  nameKey: string;
  /**
   * The share of persons (of the registry, or of the lists being linked) who carry `nameKey`, when
   * known (see `nameFrequency`); null leaves the model's average u.
   */
  nameFrequency: number | null;
  sex: 'M' | 'F' | null;
  birthDate: string | null;
  villageCode: string | null;
  kk: string | null;
  motherName: NormalisedName | null;
}

export interface PersonFields {
  nik?: string | null;
  name: string;
  sex?: 'M' | 'F' | null;
  birthDate?: string | null;
  villageCode?: string | null;
  kk?: string | null;
  motherName?: string | null;
}

/** The spelling-folded form of a raw name (the key of name frequencies). */
export const nameKeyOf = (raw: string): string => spellingKey(normaliseName(raw).text);

export function matchable(p: PersonFields): MatchablePerson {
  const name = normaliseName(p.name);
  return {
    nik: p.nik ?? null,
    name,
    nameKey: spellingKey(name.text),
    nameFrequency: null,
    sex: p.sex ?? null,
    birthDate: p.birthDate ?? null,
    villageCode: p.villageCode ?? null,
    kk: p.kk ?? null,
    motherName: p.motherName ? normaliseName(p.motherName) : null,
  };
}

/**
 * The frequency of a name from counts, shrunk towards the model's average u (`baseU`) so that a name
 * seen once in a small registry does not count as rare and one seen a few times as common: (count +
 * 10,000 baseU) / (total + 10,000).
 */
export function nameFrequency(count: number, total: number, baseU: number): number {
  const mass = 10_000;
  return (count + mass * baseU) / (total + mass);
}

/**
 * The comparisons of Indonesian person records: NIK, name (its exact agreement weighted by the
 * name's frequency), birth date, sex, region, the KK and the mother's name. The KK is a household
 * number: it blocks (members of one household are compared), a different one counts a little
 * against, and the same one is no evidence that two rows are one person (it would make twins and
 * siblings look alike).
 */
export const PERSON_COMPARISONS: ReadonlyArray<ComparisonSpec<MatchablePerson>> = [
  { id: 'nik', levels: ID_LEVELS, compare: (a, b) => compareIds(a.nik, b.nik) },
  {
    id: 'name',
    levels: NAME_LEVELS,
    compare: (a, b) => compareNames(a.name, b.name),
    // Exact (or respelt) names weigh by the name's frequency, a typo by the commoner name's; a name
    // found inside a longer one by the frequency of the shorter name ("Siti" inside "Siti Aminah" is weak, "Dutrengwan" strong).
    frequency: (a, b, level) => {
      if (level <= 1) return a.nameKey === b.nameKey ? (a.nameFrequency ?? b.nameFrequency) : null;
      // A typo of a common name is as weak as the name ("Saiti" for "Siti"): the commoner of the two.
      if (level === 2) return a.nameFrequency !== null && b.nameFrequency !== null ? Math.max(a.nameFrequency, b.nameFrequency) : null;
      if (level === 3) return (a.name.parts.length < b.name.parts.length ? a : b).nameFrequency;
      return null;
    },
    frequencyLevels: 3,
  },
  { id: 'birth-date', levels: DATE_LEVELS, compare: (a, b) => compareDates(a.birthDate, b.birthDate) },
  { id: 'sex', levels: EXACT_LEVELS, compare: (a, b) => compareExact(a.sex, b.sex) },
  { id: 'region', levels: REGION_LEVELS, compare: (a, b) => compareRegions(a.villageCode, b.villageCode) },
  // The same KK is a household, not a person: it adds nothing (twins and siblings share it); a
  // different KK counts a little against (one person's records mostly carry one KK), but only
  // within one district: a KK is issued by the district, so a person recorded in another district
  // has another KK whatever happened (counting it again beside the region would count a move twice).
  {
    id: 'kk',
    levels: EXACT_LEVELS,
    compare: (a, b) => ((compareRegions(a.villageCode, b.villageCode) ?? 0) > 1 ? null : compareExact(a.kk, b.kk)),
    maxWeight: 0,
  },
  { id: 'mother-name', levels: NAME_LEVELS, compare: (a, b) => (a.motherName && b.motherName ? compareNames(a.motherName, b.motherName) : null) },
];

/** The comparisons of name, birth date and sex: who a person is, apart from where and with whom they live. */
export const IDENTITY_COMPARISONS: ReadonlySet<string> = new Set(['name', 'birth-date', 'sex']);

/**
 * How the person model is trained without labels: m of every other comparison among pairs with the
 * same NIK, then m of the NIK (and again of sex, region, family) among pairs with the same name and
 * birth date.
 */
export const PERSON_TRAINING_SESSIONS: TrainingSession[] = [{ on: ['nik'] }, { on: ['name', 'birth-date'] }];

/**
 * The smallest m per comparison: a move to another province, or a new KK, happens to one person
 * often enough that region and KK are never strong evidence against a match.
 */
export const PERSON_M_FLOOR: Record<string, number> = { region: 0.02, kk: 0.1 };

/** The trained default parameters (`sp train-person-model`, on the project's own synthetic lists). */
export const DEFAULT_PERSON_PARAMETERS = trained as ModelParameters;

const isMuhammad = (part: string) => part === 'muhammad';

/** The first name part that is not Muhammad (prefixed or dropped at will): the part blocking keys use. */
function corePart(p: MatchablePerson): string {
  return p.name.parts.find((x) => !isMuhammad(x)) ?? p.name.parts[0] ?? '';
}

/**
 * Blocking keys of a person, the same for the registry and for lists: the NIK; the KK (a household
 * recorded twice; the registry leaves the KK out, family assignment settles it); the birth date
 * within the district (any spelling of the name); the sound of the name's core part (its first part
 * other than Muhammad) with the birth date, anywhere (a person who moved far, a part added or
 * dropped); the core part's sound and the last part's sound, each with the birth year within the
 * district (a mistyped, one-day-off or swapped date; a first name dropped). Every key is bounded by
 * a small place or an exact date, so blocks do not grow with the registry's size.
 */
export function personBlockingKeys(p: MatchablePerson): string[] {
  const keys: string[] = [];
  if (p.nik) keys.push(`n|${p.nik}`);
  if (p.kk) keys.push(`k|${p.kk}`);
  const core = phoneticKey(corePart(p));
  const last = phoneticKey(p.name.parts[p.name.parts.length - 1] ?? '');
  const district = p.villageCode?.slice(0, 8);
  if (p.birthDate && district) keys.push(`d|${p.birthDate}|${district}`);
  if (p.birthDate && core) keys.push(`s|${core}|${p.birthDate}`);
  if (p.birthDate && core && district) keys.push(`y|${core}|${p.birthDate.slice(0, 4)}|${district}`);
  if (p.birthDate && last && last !== core && district) keys.push(`l|${last}|${p.birthDate.slice(0, 4)}|${district}`);
  return keys;
}

/**
 * Blocking keys of a person in a list: those of `personBlockingKeys`, and the sound of the name's
 * core and last parts within the district with no date at all (a mistyped year or month, "1947"
 * for "1946", breaks every key with a date). Lists cap their blocks (`maxBlock`); a registry index
 * would let this key grow with the district, so the registry does not use it.
 */
export function listBlockingKeys(p: MatchablePerson): string[] {
  const keys = personBlockingKeys(p);
  const core = phoneticKey(corePart(p));
  const last = phoneticKey(p.name.parts[p.name.parts.length - 1] ?? '');
  const district = p.villageCode?.slice(0, 8);
  if (core && last && last !== core && district) keys.push(`p|${core}|${last}|${district}`);
  return keys;
}

/**
 * The mother of a child (relationship 4, anak) on a KK, for the family-context comparison: the wife
 * (3, istri), else a female head. Null for anyone else.
 */
export function motherNameOf(members: ReadonlyArray<{ relationship: number; sex?: 'M' | 'F' | null; name: string }>, member: { relationship: number }): string | null {
  if (member.relationship !== 4) return null;
  const mother = members.find((m) => m.relationship === 3) ?? members.find((m) => m.relationship === 1 && m.sex === 'F');
  return mother?.name ?? null;
}
