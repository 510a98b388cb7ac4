import type { FamilyChangedV1, FamilyState, RegionLevel } from '@satupintu/contracts';
import { addCounters, ancestry, familyCounters, parentOf, regionPathOf, todayIn, type CampaignWindow, type Counters, type GrowthTables } from '@satupintu/domain';

/** What aggregation keeps of one family: its state and the counters it last added to its regions. */
export interface CountedFamily {
  familyId: string;
  version: number;
  villageCode: string;
  /** The day the counted version was recorded (ages are taken on it). */
  recordedOn: string;
  /** Days a cadre submitted the family (campaign progress). */
  submissionDays: string[];
  /** The counted state; null when loaded without it (the change consumer needs only the counters). */
  state: FamilyState | null;
  counters: Counters;
}

export interface RegionDelta {
  level: RegionLevel;
  parentCode: string | null;
  counters: Counters;
}

export interface CountingSettings {
  timeZone: string;
  campaigns: readonly CampaignWindow[];
  growth: GrowthTables;
}

const LEVELS: RegionLevel[] = ['village', 'district', 'regency', 'province', 'country'];

/** Adds (or takes away) a family's counters in its village and every region above it. */
export function addToRegions(deltas: Map<string, RegionDelta>, villageCode: string, counters: Readonly<Counters>, sign: 1 | -1): void {
  const path = regionPathOf(villageCode);
  if (!path) return;
  ancestry(path).forEach((code, i) => {
    const d = deltas.get(code) ?? { level: LEVELS[i], parentCode: parentOf(code), counters: {} };
    addCounters(d.counters, counters, sign);
    deltas.set(code, d);
  });
}

/** Region deltas without regions whose counters did not change. */
export function nonEmpty(deltas: Map<string, RegionDelta>): Map<string, RegionDelta> {
  for (const [code, d] of deltas) if (Object.keys(d.counters).length === 0) deltas.delete(code);
  return deltas;
}

export function countFamily(state: FamilyState, recordedOn: string, submissionDays: string[], settings: CountingSettings): CountedFamily {
  return {
    familyId: state.familyId,
    version: state.version,
    villageCode: state.address.villageCode,
    recordedOn,
    submissionDays,
    state,
    counters: familyCounters(state, { recordedOn, submissionDays, campaigns: settings.campaigns, growth: settings.growth }),
  };
}

export interface PlannedChanges {
  /** Families whose counted state changed (null: the family no longer exists). */
  families: Map<string, CountedFamily | null>;
  deltas: Map<string, RegionDelta>;
  /** Events already counted (their version is not newer than the counted one). */
  replayed: number;
}

/**
 * Applies registry change events to the counted families: a family's old contribution leaves its old
 * village and every region above, the new one arrives in the new village. An event whose version is
 * not newer than what was counted is a replay and changes nothing, so duplicated or replayed events
 * never double count. When aggregation has never seen a family, the event's `before` stands for what
 * was counted (taken on the event's day).
 */
export function planChanges(counted: ReadonlyMap<string, CountedFamily>, events: readonly FamilyChangedV1[], settings: CountingSettings): PlannedChanges {
  const families = new Map<string, CountedFamily | null>();
  const deltas = new Map<string, RegionDelta>();
  let replayed = 0;
  for (const e of events) {
    const day = todayIn(settings.timeZone, new Date(e.occurredAt));
    const current = families.has(e.familyId) ? families.get(e.familyId)! : (counted.get(e.familyId) ?? null);
    const previous = current ?? (e.before ? countFamily(e.before, day, [], settings) : null);
    if (previous && e.version <= previous.version) {
      replayed++;
      continue;
    }
    const days = [...(previous?.submissionDays ?? [])];
    // A submission counts for collection on the day it was recorded in the field, when the app said.
    const collected = e.cause.type === 'submission' ? (e.cause.collectedOn ?? day) : null;
    if (collected !== null && !days.includes(collected)) days.push(collected);
    const next = e.after && e.after.members.length > 0 ? countFamily(e.after, day, days.sort(), settings) : null;
    if (previous) addToRegions(deltas, previous.villageCode, previous.counters, -1);
    if (next) addToRegions(deltas, next.villageCode, next.counters, 1);
    families.set(e.familyId, next ?? tombstone(e, day, days));
  }
  return { families, deltas: nonEmpty(deltas), replayed };
}

/** A family without members (or gone) keeps its version, so older replays stay ignored, but counts nothing. */
function tombstone(e: FamilyChangedV1, day: string, days: string[]): CountedFamily | null {
  const state = e.after ?? e.before;
  if (!state) return null;
  return { familyId: e.familyId, version: e.version, villageCode: state.address.villageCode, recordedOn: day, submissionDays: days, state: { ...state, members: [] }, counters: {} };
}

/** Recounts families with the current settings (e.g. after a campaign window changed). */
export function recount(counted: Iterable<CountedFamily>, settings: CountingSettings): PlannedChanges {
  const families = new Map<string, CountedFamily | null>();
  const deltas = new Map<string, RegionDelta>();
  for (const f of counted) {
    if (!f.state || f.state.members.length === 0) continue;
    const next = countFamily(f.state, f.recordedOn, f.submissionDays, settings);
    addToRegions(deltas, f.villageCode, f.counters, -1);
    addToRegions(deltas, next.villageCode, next.counters, 1);
    families.set(f.familyId, next);
  }
  return { families, deltas: nonEmpty(deltas), replayed: 0 };
}
