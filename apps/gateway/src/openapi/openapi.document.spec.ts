import { openApiDocument } from './openapi.document';

describe('OpenAPI document', () => {
  const doc = openApiDocument();
  const family = doc.components.schemas.FamilyRecord as { properties: Record<string, { items?: { properties: Record<string, { enum?: string[] }>; additionalProperties?: boolean } }>; additionalProperties?: boolean };

  it('publishes the family schema with bounded sizes, coded enumerations and no unknown fields', () => {
    expect(family.additionalProperties).toBe(false);
    const member = family.properties.members.items!;
    expect(member.additionalProperties).toBe(false);
    expect(member.properties.sex.enum).toEqual(['M', 'F']);
    expect(member.properties.maritalStatus.enum).toContain('cerai-mati');
    expect(member.properties.religion.enum).toContain('konghucu');
    expect(member.properties.education.enum).toContain('d4-s1');
    expect(family.properties.members).toEqual(expect.objectContaining({ maxItems: 30, minItems: 1 }));
  });

  it('documents the endpoints', () => {
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/submissions',
        '/v1/submissions/{id}',
        '/v1/imports',
        '/v1/imports/{id}',
        '/v1/imports/{id}/rows',
        '/v1/regions/{code}/counts',
        '/v1/regions/{code}/eligibility',
        '/v1/persons/{id}/eligibility',
        '/v1/families/{id}/eligibility',
        '/v1/review-tasks',
        '/v1/review-tasks/{id}',
        '/v1/review-tasks/{id}/decision',
        '/v1/merges/{id}',
        '/v1/merges/{id}/unmerge',
        '/v1/indicators',
        '/v1/regions/{code}/indicators',
        '/v1/campaigns',
        '/v1/campaigns/{id}',
        '/v1/campaigns/{id}/targets',
        '/v1/campaigns/{id}/progress',
        '/v1/persons',
        '/v1/families',
        '/v1/families/{id}',
        '/v1/me',
        '/v1/admin/principals',
        '/v1/admin/audit',
      ]),
    );
  });

  it('asks a bearer credential of every operation but the public ones', () => {
    expect(doc.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/v1/families/{id}'].get.responses).toEqual(expect.objectContaining({ '401': expect.anything(), '403': expect.anything(), '429': expect.anything() }));
    expect(doc.paths['/v1/openapi.json'].get.security).toEqual([]);
  });
});
