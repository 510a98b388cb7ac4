import type { MemberAttributes } from '@satupintu/contracts';
import { parseNik } from '@satupintu/domain';
import { nameFormQuality } from '@satupintu/matching';

/** One recorded version of a person: what one submission (or the migration) said about them. */
export interface Observation {
  nik: string | null;
  name: string;
  sex: 'M' | 'F';
  birthDate: string;
  attributes: MemberAttributes;
  /** ISO timestamp; later is more recent. */
  observedAt: string;
}

export type GoldenValues = Omit<Observation, 'observedAt'>;

/** An observation carrying a NIK (checked by validation) is more trusted than one without. */
const trust = (o: Observation) => (o.nik !== null ? 1 : 0);
const byTrustThenRecency = (a: Observation, b: Observation) => trust(b) - trust(a) || (a.observedAt < b.observedAt ? 1 : a.observedAt > b.observedAt ? -1 : 0);

function agreesWithNik(o: Observation, nik: ReturnType<typeof parseNik>, field: 'sex' | 'birthDate'): boolean {
  if (nik === null) return false;
  if (field === 'sex') return o.sex === nik.sex;
  const [y, m, d] = o.birthDate.split('-').map(Number);
  return d === nik.day && m === nik.month && y % 100 === nik.yy;
}

/** Whether an observation's NIK carries its own birth date and sex (a NIK mistyped there does not). */
function nikAgreesWithItself(o: Observation): boolean {
  return o.nik !== null && agreesWithNik(o, parseNik(o.nik), 'sex') && agreesWithNik(o, parseNik(o.nik), 'birthDate');
}

/**
 * The golden NIK: of the NIKs observed, one that agrees with the birth date and sex recorded with it,
 * then the one observed most often, then the one observed first (a registry's NIK does not flip to
 * a later typo of it).
 */
function goldenNik(observations: ReadonlyArray<Observation>): string | null {
  const withNik = observations.filter((o) => o.nik !== null);
  if (withNik.length === 0) return null;
  const stats = new Map<string, { agrees: boolean; count: number; first: string }>();
  for (const o of withNik) {
    const s = stats.get(o.nik!) ?? { agrees: false, count: 0, first: o.observedAt };
    s.agrees ||= nikAgreesWithItself(o);
    s.count += 1;
    if (o.observedAt < s.first) s.first = o.observedAt;
    stats.set(o.nik!, s);
  }
  return [...stats].sort(([, a], [, b]) => Number(b.agrees) - Number(a.agrees) || b.count - a.count || (a.first < b.first ? -1 : a.first > b.first ? 1 : 0))[0][0];
}

/**
 * The golden record of a person from all its observations (its own and those of persons merged into
 * it). The rules:
 * - NIK: see `goldenNik` (self-consistent, most observed, first).
 * - Name: the most complete written form (no titles, Muhammad not abbreviated, not all capitals),
 *   then the most trusted observation (one with a NIK), then the most recent.
 * - Sex and birth date: the most trusted, most recent observation that agrees with the golden NIK
 *   (the NIK encodes both); the most trusted, most recent one when none agrees or there is no NIK.
 * - Everything else (schooling, work, health, measurements): the most recent observation, since it
 *   changes with time whoever records it.
 */
export function goldenRecord(observations: ReadonlyArray<Observation>): GoldenValues {
  if (observations.length === 0) throw new Error('a person has at least one observation');
  const ranked = [...observations].sort(byTrustThenRecency);
  const recent = [...observations].sort((a, b) => (a.observedAt < b.observedAt ? 1 : a.observedAt > b.observedAt ? -1 : 0))[0];
  const best = ranked[0];
  const named = [...ranked].sort((a, b) => nameFormQuality(b.name) - nameFormQuality(a.name))[0];
  const nik = goldenNik(observations);
  const parsed = nik !== null ? parseNik(nik) : null;
  const pick = (field: 'sex' | 'birthDate') => (ranked.find((o) => agreesWithNik(o, parsed, field)) ?? best)[field];
  return { nik, name: named.name, sex: pick('sex') as 'M' | 'F', birthDate: pick('birthDate') as string, attributes: recent.attributes };
}
