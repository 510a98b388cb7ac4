import type { AgencyGrant, EligibilityDecisionChangedV1, FamilyState, GrantedFamily, GrantedMember, AgencyDecisionEventV1 } from '@satupintu/contracts';
import { COUNTRY_CODE, regionPathOf } from './regions';

/** Whether a grant's regions cover a village: ID covers all; a code covers itself and what lies below it. */
export function regionCovered(regions: readonly string[], villageCode: string): boolean {
  return regions.some((r) => r === COUNTRY_CODE || villageCode === r || villageCode.startsWith(`${r}.`));
}

type Grant = Pick<AgencyGrant, 'fields' | 'regions' | 'version'>;

/**
 * A family as one agency may see it, or null when the family is outside its regions (or gone).
 * Only granted fields are copied; what is absent in the registry stays absent. Everything published
 * to an agency passes through here and `restrictProjection`: the registry's state is seen as a view
 * holding every field, then cut down to the grant.
 */
export function projectFamily(state: FamilyState | null, grant: Grant): GrantedFamily | null {
  if (!state) return null;
  const { villageCode, districtCode, regencyCode, provinceCode, rt, rw, street } = state.address;
  return restrictProjection(
    {
      familyId: state.familyId,
      region: { villageCode, districtCode, regencyCode, provinceCode },
      kk: state.kk,
      address: { rt, rw, street },
      attributes: state.attributes,
      members: state.members.map((m) => ({ personId: m.personId, nik: m.nik, name: m.name, sex: m.sex, birthDate: m.birthDate, relationship: m.relationship, attributes: m.attributes })),
    },
    grant,
  );
}

/**
 * A view cut down to a grant: a family's full view (projectFamily), or what an agency already holds
 * when its grant narrows. Null when the family's region is not granted. Widening needs the
 * registry's state and applies to the family's next change.
 */
export function restrictProjection(view: GrantedFamily, grant: Pick<AgencyGrant, 'fields' | 'regions'>): GrantedFamily | null {
  if (!regionCovered(grant.regions, view.region.villageCode)) return null;
  const fields = new Set<string>(grant.fields);
  const keep = (o: Record<string, unknown> | undefined, prefix: string) => {
    if (!o) return undefined;
    const out = Object.fromEntries(Object.entries(o).filter(([k, v]) => v !== undefined && fields.has(`${prefix}${k}`)));
    return Object.keys(out).length > 0 ? (out as Record<string, never>) : undefined;
  };
  const out: GrantedFamily = { familyId: view.familyId, region: view.region };
  if (fields.has('kk') && view.kk !== undefined) out.kk = view.kk;
  const address = keep(view.address, 'address.');
  if (address) out.address = address;
  const attributes = keep(view.attributes as Record<string, unknown> | undefined, 'attributes.');
  if (attributes) out.attributes = attributes;
  if (view.members && [...fields].some((f) => f.startsWith('members.'))) {
    out.members = view.members.map((m) => {
      const member: GrantedMember = { personId: m.personId };
      for (const k of ['nik', 'name', 'sex', 'birthDate', 'relationship'] as const) if (fields.has(`members.${k}`) && m[k] !== undefined) (member as Record<string, unknown>)[k] = m[k];
      const attrs = keep(m.attributes as Record<string, unknown> | undefined, 'members.attributes.');
      if (attrs) member.attributes = attrs;
      return member;
    });
  }
  return out;
}

/**
 * The granted fields whose value differs between two projections (paths as in the grant, e.g.
 * `members.name`). Computed on projections, so a change outside the grant can never show here.
 */
export function changedGrantedFields(before: GrantedFamily | null, after: GrantedFamily | null, grant: Pick<AgencyGrant, 'fields'>): string[] {
  const changed: string[] = [];
  if (!sameProjection(before?.region, after?.region)) changed.push('region');
  const memberIds = (f: GrantedFamily | null) => (f?.members ?? []).map((m) => m.personId).sort();
  if (before?.members !== undefined || after?.members !== undefined) {
    if (!sameProjection(memberIds(before), memberIds(after))) changed.push('members');
  }
  for (const field of grant.fields) {
    if (field.startsWith('eligibility.')) continue;
    if (!sameProjection(valuesAt(before, field), valuesAt(after, field))) changed.push(field);
  }
  return changed;
}

/** The value(s) at a grant path; for member paths, by person id. */
function valuesAt(family: GrantedFamily | null, field: string): unknown {
  if (!family) return undefined;
  const parts = field.split('.');
  if (parts[0] === 'members') {
    const rest = parts.slice(1);
    return Object.fromEntries((family.members ?? []).map((m) => [m.personId, dig(m, rest)]).sort(([a], [b]) => String(a).localeCompare(String(b))));
  }
  return dig(family, parts);
}

function dig(value: unknown, path: string[]): unknown {
  let v = value;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[p];
  }
  return v;
}

/** JSON equality that ignores key order (projections are built in a fixed order, but be safe). */
function sameProjection(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  ) ?? 'undefined';
}

/** An eligibility decision as one agency may see it, or null when outside its regions. */
export function projectDecision(event: EligibilityDecisionChangedV1, grant: Grant): AgencyDecisionEventV1 | null {
  if (!regionCovered(grant.regions, event.villageCode)) return null;
  const path = regionPathOf(event.villageCode);
  if (!path) return null;
  return {
    familyId: event.familyId,
    personId: event.personId,
    region: path,
    programmeId: event.programmeId,
    programmeVersion: event.programmeVersion,
    eligible: event.eligible,
    previouslyEligible: event.previouslyEligible,
    evaluatedOn: event.evaluatedOn,
    grantVersion: grant.version,
    ...(grant.fields.includes('eligibility.criteria') ? { criteria: event.criteria } : {}),
  };
}
