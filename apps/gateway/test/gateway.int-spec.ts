import { TOPICS, type FamilySubmittedV1 } from '@satupintu/contracts';
import { authFetch, createPrincipal, eventually, family, submit, TestStack, TopicTap } from '@satupintu/testing';

/** The gateway's HTTP API on the real stack: intake, idempotency, revisions, structured errors. */
describe('gateway', () => {
  const stack = new TestStack('gateway');
  let url: string;
  let submitted: TopicTap<FamilySubmittedV1>;

  beforeAll(async () => {
    await stack.setUp();
    url = (await stack.start('gateway')).url;
    submitted = await new TopicTap<FamilySubmittedV1>(stack, TOPICS.familySubmitted).start();
  });

  afterAll(async () => {
    await submitted.stop();
    await stack.tearDown();
  });

  it('accepts a batch record by record and publishes each accepted record once, keyed by KK', async () => {
    const f1 = family();
    const f2 = family();
    const res = await submit(url, [
      { idempotencyKey: 'g-1', family: f1 },
      { idempotencyKey: 'g-2', family: f2 },
      { idempotencyKey: 'g-1', family: f2 },
      { idempotencyKey: 'g-3' },
      'not an object',
    ]);
    expect(res.status).toBe(202);
    expect(res.body.records.map((r) => r.status)).toEqual(['accepted', 'accepted', 'invalid', 'invalid', 'invalid']);
    await eventually(() => submitted.messages.length === 2);
    expect(submitted.messages.map((m) => m.key).sort()).toEqual([f1.kk, f2.kk].sort());
    const status = (await (await authFetch(`${url}/v1/submissions/${res.body.records[0].id}`)).json()) as { status: string; trail: unknown[] };
    expect(status).toEqual(expect.objectContaining({ status: 'received', revision: 1 }));
  });

  it('refuses a record nested deeper than a family can be, and answers the rest', async () => {
    // Built as text: a structure this deep is more than JSON.stringify itself can walk.
    const deep = `${'{"d":'.repeat(20_000)}"x"${'}'.repeat(20_000)}`;
    const body = `{"records":[{"idempotencyKey":"deep","family":{"kk":${deep}}},${JSON.stringify({ idempotencyKey: 'fine', family: family() })}]}`;
    const res = await authFetch(`${url}/v1/submissions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(202);
    const outcome = (await res.json()) as { records: Array<{ status: string; errors?: Array<{ code: string }> }> };
    expect(outcome.records.map((r) => r.status)).toEqual(['invalid', 'accepted']);
    expect(outcome.records[0].errors?.[0].code).toBe('TOO_DEEP');
    expect((await authFetch(`${url}/health/live`)).status).toBe(200);
  });

  it('treats the same key and content as unchanged, and new content as a new revision', async () => {
    const f = family();
    const first = await submit(url, [{ idempotencyKey: 'rev-1', family: f }]);
    const same = await submit(url, [{ idempotencyKey: 'rev-1', family: { ...f, members: [...f.members] } }]);
    expect(same.body.records[0]).toEqual(expect.objectContaining({ status: 'unchanged', id: first.body.records[0].id, revision: 1 }));
    const changed = await submit(url, [{ idempotencyKey: 'rev-1', family: { ...f, address: { ...f.address, rt: '009' } } }]);
    expect(changed.body.records[0]).toEqual(expect.objectContaining({ status: 'accepted', id: first.body.records[0].id, revision: 2 }));
    // Keys belong to their submitter: another principal may use the same key for its own record.
    const cadre = await createPrincipal(url, { role: 'cadre', regions: [f.address.villageCode] });
    const other = await submit(url, [{ idempotencyKey: 'rev-1', family: f }], cadre.key);
    expect(other.body.records[0].id).not.toBe(first.body.records[0].id);
    await eventually(() => submitted.messages.filter((m) => m.value.recordId === first.body.records[0].id).length === 2);
  });

  it.each([
    ['malformed JSON', '{"records": [', 'application/json', 400, 'MALFORMED_JSON'],
    ['no records', '{}', 'application/json', 400, 'INVALID_BATCH'],
    ['too many records', JSON.stringify({ records: Array.from({ length: 501 }, (_, i) => ({ idempotencyKey: `k${i}`, family: {} })) }), 'application/json', 400, 'INVALID_BATCH'],
    ['a body over the size limit', JSON.stringify({ records: [{ idempotencyKey: 'x', family: { pad: 'x'.repeat(6 * 1024 * 1024) } }] }), 'application/json', 413, 'PAYLOAD_TOO_LARGE'],
  ])('answers %s with a structured error', async (_name, body, type, status, code) => {
    const res = await authFetch(`${url}/v1/submissions`, { method: 'POST', headers: { 'content-type': type }, body });
    expect(res.status).toBe(status);
    expect(await res.json()).toEqual({ error: expect.objectContaining({ code }) });
  });

  it.each([
    ['/v1/submissions/not-a-uuid', 404, 'SUBMISSION_NOT_FOUND'],
    ['/v1/submissions/6f1c8f3d-2a10-4a53-9a55-0f0b5a8e3b1e', 404, 'SUBMISSION_NOT_FOUND'],
    ['/v1/regions/99.99/counts', 404, 'REGION_NOT_FOUND'],
    ["/v1/regions/31'%20or%201=1/counts", 404, 'REGION_NOT_FOUND'],
    ['/nowhere', 404, 'NOT_FOUND'],
  ])('GET %s -> %i %s', async (path, status, code) => {
    const res = await authFetch(`${url}${path}`);
    expect(res.status).toBe(status);
    expect(await res.json()).toEqual({ error: expect.objectContaining({ code }) });
  });

  it('answers a known region with zero counts before anything is registered, from cache the second time', async () => {
    const first = await (await authFetch(`${url}/v1/regions/31.01/counts`)).json();
    expect(first).toEqual(expect.objectContaining({ code: '31.01', level: 'regency', families: 0, persons: 0 }));
    expect(await (await authFetch(`${url}/v1/regions/31.01/counts`)).json()).toEqual(first);
  });
});
