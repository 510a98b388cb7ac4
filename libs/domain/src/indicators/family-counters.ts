import type { FamilyState, MemberState } from '@satupintu/contracts';
import { ageOn } from '../dates';
import type { GrowthTables } from '../growth/who-growth';
import { zScores } from '../growth/z-scores';
import { ageGroupOf } from './catalogue';

/** A data-collection campaign window (inclusive days, YYYY-MM-DD). */
export interface CampaignWindow {
  id: string;
  startsOn: string;
  endsOn: string;
}

export interface CountingContext {
  /**
   * The day the family's current version was recorded (in the platform's time zone): ages are
   * taken on that day, so the numbers describe the family as recorded and can be recomputed
   * exactly from the registry.
   */
  recordedOn: string;
  /** Days on which a cadre submitted this family (sorted or not; duplicates allowed). */
  submissionDays: readonly string[];
  campaigns: readonly CampaignWindow[];
  growth: GrowthTables;
}

export type Counters = Record<string, number>;

const UNDER_FIVE_DAYS = 1826; // 0-59 months
const SAFE_WATER = new Set(['ledeng', 'air-kemasan', 'sumur-bor', 'sumur-terlindung', 'hujan']);
const UNPROTECTED_WATER = new Set(['sungai', 'sumur-tak-terlindung', 'mata-air']);
const PLN = new Set(['pln-meter', 'pln-tanpa-meter']);
const MIN_M2_PER_PERSON = 7.2;

/** Campaign counter ids: families recorded in the window, and by the first day they were. */
export const campaignCounter = (campaignId: string) => `cmp.${campaignId}`;
export const campaignDayCounter = (campaignId: string, day: string) => `cmp.${campaignId}.${day}`;

const daysBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);

/**
 * What one family adds to the counters of its region (and of every region above it). Aggregation
 * keeps each family's contribution and applies the difference when the family changes, so any
 * change, move, merge or replay keeps every region exact. Pure: same state, same counters.
 */
export function familyCounters(state: FamilyState | null, ctx: CountingContext): Counters {
  const c: Counters = {};
  if (!state || state.members.length === 0) return c;
  const inc = (key: string, by = 1) => {
    c[key] = (c[key] ?? 0) + by;
  };
  inc('families');
  for (const m of state.members) memberCounters(m, ctx, inc);
  familyAttributeCounters(state, ctx.recordedOn, inc);
  for (const w of ctx.campaigns) {
    const first = ctx.submissionDays.filter((d) => d >= w.startsOn && d <= w.endsOn).sort()[0];
    if (first) {
      inc(campaignCounter(w.id));
      inc(campaignDayCounter(w.id, first));
    }
  }
  return c;
}

function memberCounters(m: MemberState, ctx: CountingContext, inc: (key: string, by?: number) => void) {
  const age = ageOn(m.birthDate, ctx.recordedOn);
  const a = m.attributes;
  inc('persons');
  inc(`persons.${m.sex}`);
  inc(`pop.${m.sex}.${ageGroupOf(Math.max(0, age))}`);
  if (age >= 25 && a.education) {
    inc('edu25.known');
    inc(`edu25.${a.education}`);
  }
  if (age >= 7 && age <= 18 && a.schoolParticipation) {
    inc('school.known');
    if (a.schoolParticipation !== 'masih-sekolah') inc('school.out');
  }
  if (age >= 15 && a.employment) {
    inc('work.known');
    inc(`work.${a.employment}`);
  }
  if (age >= 60) inc('soc.elderly');
  if (a.disability) {
    inc('soc.disability');
    if (a.disability.severity === 'berat') inc('soc.disability-severe');
  }
  if (a.healthInsurance) {
    inc('health.insurance-known');
    if (a.healthInsurance !== 'tidak-ada') inc('health.insured');
    if (a.healthInsurance === 'jkn-pbi') inc('health.pbi');
  }
  if (a.chronicIllness !== undefined) {
    inc('health.chronic-known');
    if (a.chronicIllness) inc('health.chronic');
  }
  if (a.pregnant) inc('health.pregnant');

  const ageDays = daysBetween(m.birthDate, ctx.recordedOn);
  if (ageDays >= 0 && ageDays < UNDER_FIVE_DAYS) {
    inc('child.under5');
    const ms = a.measurement;
    const atMeasurement = ms ? daysBetween(m.birthDate, ms.measuredOn) : -1;
    if (ms && atMeasurement >= 0 && atMeasurement < UNDER_FIVE_DAYS) {
      const z = zScores(ctx.growth, { sex: m.sex, ageDays: atMeasurement, heightCm: ms.heightCm, weightKg: ms.weightKg, position: ms.position });
      if (z.flags.length > 0) inc('child.flagged');
      if (z.haz !== null && !z.flags.includes('haz')) {
        inc('child.haz-valid');
        if (z.haz < -2) inc('child.stunted');
        if (z.haz < -3) inc('child.severely-stunted');
      }
      if (z.waz !== null && !z.flags.includes('waz')) {
        inc('child.waz-valid');
        if (z.waz < -2) inc('child.underweight');
      }
      if (z.whz !== null && !z.flags.includes('whz')) {
        inc('child.whz-valid');
        if (z.whz < -2) inc('child.wasted');
      }
    }
  }
}

function familyAttributeCounters(state: FamilyState, recordedOn: string, inc: (key: string, by?: number) => void) {
  const f = state.attributes;
  if (f.welfareDecile !== undefined) {
    inc('fam.desil.known');
    inc(`fam.desil.${f.welfareDecile}`);
  }
  const h = f.housing;
  if (h) {
    inc('house.known');
    const crowded = h.floorAreaM2 !== undefined && h.floorAreaM2 / state.members.length < MIN_M2_PER_PERSON;
    if (h.floor === 'tanah' || h.wall === 'bambu' || h.roof === 'rumbia' || crowded || h.sanitation === 'tidak-ada') inc('house.rtlh');
    if (h.ownership) {
      inc('house.ownership-known');
      if (h.ownership === 'milik-sendiri') inc('house.own');
    }
    if (h.drinkingWater) {
      inc('house.water-known');
      if (SAFE_WATER.has(h.drinkingWater)) inc('house.water-safe');
      if (UNPROTECTED_WATER.has(h.drinkingWater)) inc('env.water-unprotected');
    }
    if (h.sanitation) {
      inc('house.sanitation-known');
      if (h.sanitation === 'jamban-sendiri') inc('house.sanitation-own');
      if (h.sanitation === 'tidak-ada') inc('env.no-toilet');
    }
    if (h.electricity) {
      inc('house.electricity-known');
      if (PLN.has(h.electricity)) inc('house.electricity-pln');
    }
    if (h.cookingFuel) {
      inc('env.fuel-known');
      if (h.cookingFuel === 'listrik' || h.cookingFuel === 'gas') inc('env.clean-fuel');
    }
  }
  if (f.disaster) {
    inc('disaster.known');
    if (f.disaster.floodProne) inc('disaster.flood');
    if (f.disaster.landslideProne) inc('disaster.landslide');
  }
  if (f.internetAccess !== undefined) {
    inc('it.internet-known');
    if (f.internetAccess) inc('it.internet');
  }
  if (f.smartphone !== undefined) {
    inc('it.smartphone-known');
    if (f.smartphone) inc('it.smartphone');
  }
  if (f.transport) {
    inc('transport.known');
    if (f.transport.motorVehicle) inc('transport.vehicle');
    if (f.transport.mainMode === 'angkutan-umum') inc('transport.public');
  }
  // A couple of reproductive age: a married wife (or married female head/spouse) aged 15-49.
  const pus = state.members.some((m) => {
    if (m.sex !== 'F' || ![1, 2, 3].includes(m.relationship) || m.attributes.maritalStatus !== 'kawin') return false;
    const age = ageOn(m.birthDate, recordedOn);
    return age >= 15 && age <= 49;
  });
  if (pus) {
    inc('fp.pus');
    if (f.familyPlanning) {
      inc('fp.pus-known');
      if (f.familyPlanning.contraception) inc('fp.pus-contraception');
    }
  }
}

/** after - before, without zero entries. */
export function counterDelta(before: Readonly<Counters>, after: Readonly<Counters>): Counters {
  const d: Counters = {};
  for (const [k, v] of Object.entries(after)) if (v !== (before[k] ?? 0)) d[k] = v - (before[k] ?? 0);
  for (const [k, v] of Object.entries(before)) if (!(k in after) && v !== 0) d[k] = -v;
  return d;
}

/** Adds `delta` into `into` (in place), dropping counters that reach zero. */
export function addCounters(into: Counters, delta: Readonly<Counters>, sign: 1 | -1 = 1): Counters {
  for (const [k, v] of Object.entries(delta)) {
    const n = (into[k] ?? 0) + sign * v;
    if (n === 0) delete into[k];
    else into[k] = n;
  }
  return into;
}
