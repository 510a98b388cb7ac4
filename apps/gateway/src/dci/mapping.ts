import type { GrantedFamily, GrantedMember } from '@satupintu/contracts';

/**
 * The registry's golden records in the shapes of the DCI Social Registry API (spdci:Group for a
 * family under its KK, spdci:Member for a person), made from a family already cut down to the
 * agency's grant (`projectFamily`): what the grant leaves out is never here. The mapping, field by
 * field, is in docs/dci.md.
 */
const SEX = { M: 'male', F: 'female' } as const;

/** Relationship codes on the KK (Dukcapil) as DCI relationship words. */
const RELATIONSHIP: Record<number, string> = { 1: 'head', 2: 'husband', 3: 'wife', 4: 'child', 5: 'child_in_law', 6: 'grandchild', 7: 'parent', 8: 'parent_in_law', 9: 'domestic_helper', 10: 'other' };

const identifier = (type: string, value: string) => ({ '@type': 'Identifier', identifier_type: type, identifier_value: value });

export function toDciMember(m: GrantedMember, family: GrantedFamily): Record<string, unknown> {
  const ids = [identifier('PERSON_ID', m.personId), ...(m.nik ? [identifier('NIK', m.nik)] : [])];
  const demographic: Record<string, unknown> = { '@type': 'SRPerson', identifier: ids };
  if (m.name !== undefined) demographic.name = { '@type': 'Name', given_name: m.name };
  if (m.sex) demographic.sex = SEX[m.sex];
  if (m.birthDate) demographic.birth_date = m.birthDate;
  demographic.address = { '@type': 'Address', administrative_area: family.region.villageCode, country: 'ID' };
  const out: Record<string, unknown> = { '@type': 'spdci:Member', '@id': `urn:satupintu:person:${m.personId}`, member_identifier: ids, demographic_info: demographic, group_identifier: family.familyId };
  if (m.relationship !== undefined) out.related_person = [{ '@type': 'RelatedPerson', relationship_type: RELATIONSHIP[m.relationship] ?? 'other', group_id: family.familyId }];
  const attributes = m.attributes as Record<string, unknown> | undefined;
  if (attributes?.disability !== undefined) out.is_disabled = Boolean(attributes.disability);
  if (attributes && Object.keys(attributes).length > 0) out.additional_attributes = Object.entries(attributes).map(([k, v]) => ({ [k]: v }));
  return out;
}

export function toDciGroup(f: GrantedFamily): Record<string, unknown> {
  const ids = [identifier('FAMILY_ID', f.familyId), ...(f.kk ? [identifier('KK', f.kk)] : [])];
  const members = f.members ?? [];
  const head = members.find((m) => m.relationship === 1);
  const out: Record<string, unknown> = {
    '@type': 'spdci:Group',
    '@id': `urn:satupintu:family:${f.familyId}`,
    group_identifier: ids,
    group_type: 'family',
    group_size: members.length,
    place: { '@type': 'Place', administrative_area: f.region.villageCode, district: f.region.districtCode, regency: f.region.regencyCode, province: f.region.provinceCode, ...(f.address ? { address: f.address } : {}) },
  };
  const attributes = f.attributes as Record<string, unknown> | undefined;
  if (attributes?.welfareDecile !== undefined) {
    out.poverty_score = attributes.welfareDecile;
    out.poverty_score_type = 'welfare-decile (DTKS/Regsosek, 1 poorest to 10)';
  }
  if (head) out.group_head_info = toDciMember(head, f);
  if (members.length > 0) out.member_list = members.map((m) => toDciMember(m, f));
  if (attributes && Object.keys(attributes).length > 0) out.additional_attributes = Object.entries(attributes).map(([k, v]) => ({ [k]: v }));
  return out;
}
