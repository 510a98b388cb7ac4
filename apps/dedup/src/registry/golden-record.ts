import type { MemberAttributes } from '@satupintu/contracts';
import { parseNik } from '@satupintu/domain';

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

/**
 * The golden record of a person from all its observations (its own and those of persons merged into
 * it). The rules:
 * - NIK: from the most recent observation that has one.
 * - Name: the most trusted observation (one with a NIK), then the most recent.
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
  const nik = best.nik;
  const parsed = nik !== null ? parseNik(nik) : null;
  const pick = (field: 'sex' | 'birthDate') => (ranked.find((o) => agreesWithNik(o, parsed, field)) ?? best)[field];
  return { nik, name: best.name, sex: pick('sex') as 'M' | 'F', birthDate: pick('birthDate') as string, attributes: recent.attributes };
}
