import type { FamilyRecord } from '@satupintu/contracts';
import { officialRegions } from '@satupintu/domain';
import { authFetch, createPrincipal, eventually, family, submit, TestStack, type TestPrincipal } from '@satupintu/testing';
import { createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { signEnvelope, verifyEnvelope } from '../src/dci/signature';
import { requestProblems, responseProblems } from './dci-spec';

/**
 * The DCI Social Registry API on the real stack: an agency signs up (principal, grant, a sender
 * with its Ed25519 key), families are registered through the gateway, and the agency searches by
 * NIK, by KK and by predicate. Every request and answer is validated against the published spec's
 * schemas (Ajv over the YAML); answers are signed with the key published at /.well-known/jwks.json;
 * every refusal has the spec's code and is never a 5xx; nothing outside the grant is answered.
 */
// Answers are validated against the spec's schemas first; the tests then read them as plain JSON.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
type Answer = { status: number; body: Record<string, Json> };

describe('DCI Social Registry API: sync search', () => {
  const stack = new TestStack('dci');
  let url: string;
  let agency: TestPrincipal;
  let analyst: TestPrincipal;
  const AGENCY = 'dinsos-dki';
  const SENDER = 'dinsos.jakarta.go.id';
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const [granted, notGranted] = officialRegions().childrenOf('31.71');
  const [v1, v2] = officialRegions().childrenOf(granted);
  const v3 = officialRegions().childrenOf(notGranted)[0];
  const fa: FamilyRecord = { ...family({ village: v1, members: 4 }), welfareDecile: 2 };
  const fb: FamilyRecord = family({ village: v2, members: 3 });
  const fc: FamilyRecord = family({ village: v3, members: 3 });

  const envelope = (message: Record<string, unknown>, o: { action?: string; messageId?: string; total?: number; sender?: string; key?: KeyObject; now?: Date; ttl?: number } = {}) => {
    const header = { version: '1.0.0', message_id: o.messageId ?? randomUUID(), message_ts: new Date().toISOString(), action: o.action ?? 'search', sender_id: o.sender ?? SENDER, receiver_id: 'satupintu.go.id', total_count: o.total ?? ((message.search_request as unknown[] | undefined)?.length ?? 1), is_msg_encrypted: false };
    const signature = signEnvelope({ header, message }, { privateKey: o.key ?? privateKey, senderId: o.sender ?? SENDER, keyId: 'k1', algorithm: 'ed25519' }, o.now ?? new Date(), o.ttl ?? 300);
    return { signature, header, message };
  };
  const search = (criteria: Record<string, unknown>, referenceId = 'r1') => ({
    transaction_id: randomUUID(),
    search_request: [{ reference_id: referenceId, timestamp: new Date().toISOString(), search_criteria: { version: '1.0.0', reg_type: 'ns:org:RegistryType:Social', ...criteria }, locale: 'ind' }],
  });
  const post = async (body: unknown, key = agency.key, raw?: string): Promise<Answer> => {
    const res = await authFetch(`${url}/registry/sync/search`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: raw ?? JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, Json> };
  };
  /** A search that conforms to the spec, answered 200 with an answer that conforms too. */
  const conforming = async (body: Record<string, unknown>) => {
    expect(requestProblems('/registry/sync/search', body)).toEqual([]);
    const answer = await post(body);
    expect(answer.status).toBe(200);
    expect(responseProblems('/registry/sync/search', answer.status, answer.body)).toEqual([]);
    return answer.body;
  };
  const refusal = async (answer: Answer, status: number, code: string) => {
    expect(answer.status).toBe(status);
    expect(answer.body.errors[0].code).toBe(code);
    expect(responseProblems('/registry/sync/search', answer.status, answer.body)).toEqual([]);
  };
  const records = (body: Record<string, Json>) => body.message.search_response[0].data.reg_records as Array<Record<string, Json>>;

  beforeAll(async () => {
    await stack.setUp();
    url = (await stack.start('gateway')).url;
    await Promise.all([stack.start('validation'), stack.start('dedup')]);
    agency = await createPrincipal(url, { role: 'agency', kind: 'system', regions: ['31.71'], agency: AGENCY, purposes: ['social-protection'] });
    analyst = await createPrincipal(url, { role: 'analyst', regions: ['31.71'] });
    const grant = await authFetch(`${url}/v1/admin/agencies/${AGENCY}/grant`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ eventTypes: ['family.changed'], fields: ['kk', 'members.nik', 'members.name', 'members.sex', 'members.birthDate', 'members.relationship'], regions: [granted], purpose: 'social-protection' }),
    });
    expect(grant.status).toBeLessThan(300);
    const sender = await authFetch(`${url}/v1/admin/dci/senders/${SENDER}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ agencyId: AGENCY, keys: [{ keyId: 'k1', algorithm: 'ed25519', publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) }] }),
    });
    expect(sender.status).toBe(200);
    const res = await submit(url, [fa, fb, fc].map((f, i) => ({ idempotencyKey: `dci-${i}`, family: f })));
    expect(res.body.records.every((r) => r.status === 'accepted')).toBe(true);
    await eventually(async () => {
      for (const f of [fa, fb, fc]) {
        const found = (await (await authFetch(`${url}/v1/families?kk=${f.kk}`)).json()) as { families: unknown[] };
        if (found.families.length !== 1) return undefined;
      }
      return true;
    }, 180_000, 500);
  }, 300_000);

  afterAll(() => stack.tearDown());

  it('finds a person by NIK as a Member, with only the granted fields, in a signed answer', async () => {
    const wife = fa.members[1];
    const body = await conforming(envelope(search({ query_type: 'idtype-value', response_entity: 'Member', query: { type: 'NIK', value: wife.nik } })));
    expect(body.header).toMatchObject({ action: 'on-search', status: 'succ', receiver_id: SENDER, sender_id: 'satupintu.go.id', total_count: 1, completed_count: 1 });
    const [member] = records(body);
    expect(records(body)).toHaveLength(1);
    expect(member.member_identifier).toContainEqual(expect.objectContaining({ identifier_type: 'NIK', identifier_value: wife.nik }));
    expect(member.demographic_info).toMatchObject({ name: { given_name: wife.name }, sex: 'female', birth_date: wife.birthDate });
    expect(body.message.search_response[0].pagination).toEqual({ page_size: 100, page_number: 1, total_count: 1 });

    const jwks = (await (await fetch(`${url}/.well-known/jwks.json`)).json()) as { keys: Array<Record<string, string>> };
    expect(jwks.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
    const platformKey = { keyId: jwks.keys[0].kid, algorithm: 'ed25519' as const, publicKeyPem: createPublicKey({ key: jwks.keys[0], format: 'jwk' }).export({ type: 'spki', format: 'pem' }) as string };
    expect(verifyEnvelope(body as never, [platformKey], new Date())).toBeNull();
    expect(verifyEnvelope({ ...body, message: { ...body.message, correlation_id: 'x' } } as never, [platformKey], new Date())).toMatchObject({ code: 'err.signature.invalid' });
  });

  it('finds a family by KK as a Group with its members, and nothing the grant leaves out', async () => {
    const body = await conforming(envelope(search({ query_type: 'idtype-value', response_entity: 'Group', query: { type: 'KK', value: fa.kk } })));
    const [group] = records(body);
    expect(group.group_identifier).toContainEqual(expect.objectContaining({ identifier_type: 'KK', identifier_value: fa.kk }));
    expect(group.group_size).toBe(4);
    expect(group.member_list.map((m: Json) => m.member_identifier.find((i: Json) => i.identifier_type === 'NIK').identifier_value).sort()).toEqual(fa.members.map((m) => m.nik).sort());
    expect(group.place.administrative_area).toBe(v1);
    // The welfare decile was recorded but is not granted: never answered.
    expect(JSON.stringify(body)).not.toContain('poverty_score');
    expect(group).not.toHaveProperty('additional_attributes');
    expect(group.place).not.toHaveProperty('address');
  });

  it('answers a predicate over region, sex and age as Members, inside the grant', async () => {
    const body = await conforming(
      envelope(
        search({
          query_type: 'predicate',
          response_entity: 'Member',
          query: [
            { seq_num: 1, expression1: { attribute_name: 'region', operator: 'eq', attribute_value: granted } },
            { seq_num: 2, expression1: { attribute_name: 'sex', operator: 'eq', attribute_value: 'female' }, condition: 'and', expression2: { attribute_name: 'age', operator: 'ge', attribute_value: 18 } },
          ],
        }),
      ),
    );
    const women = [fa, fb].flatMap((f) => f.members.filter((m) => m.sex === 'F' && Number(m.birthDate!.slice(0, 4)) <= new Date().getFullYear() - 19));
    expect(records(body).map((m) => m.demographic_info.name.given_name).sort()).toEqual(women.map((m) => m.name).sort());
  });

  it('answers an expression and pages through a region, never showing a family outside the grant', async () => {
    const first = await conforming(envelope(search({ query_type: 'expression', query: { type: 'ns:org:QueryType:expression', value: { expression: { collection: 'Group', query: { $and: [{ region: { $eq: '31.71' } }, { group_size: { $ge: 1 } }] } } } }, pagination: { page_size: 1, page_number: 1 }, sort: [{ attribute_name: 'kk', sort_order: 'asc' }] })));
    expect(first.message.search_response[0].pagination.total_count).toBe(2);
    const second = await conforming(envelope(search({ query_type: 'expression', query: { type: 'ns:org:QueryType:expression', value: { expression: { collection: 'Group', query: { region: '31.71' } } } }, pagination: { page_size: 1, page_number: 2 }, sort: [{ attribute_name: 'kk', sort_order: 'asc' }] })));
    const kks = [...records(first), ...records(second)].map((g) => g.group_identifier.find((i: Json) => i.identifier_type === 'KK').identifier_value);
    expect(kks).toEqual([fa.kk, fb.kk].sort());
    // The family in the region that is not granted is answered as if it did not exist...
    const hidden = await conforming(envelope(search({ query_type: 'idtype-value', query: { type: 'KK', value: fc.kk } })));
    expect(records(hidden)).toEqual([]);
    // ...and asking for that region is refused.
    const outside = await conforming(envelope(search({ query_type: 'predicate', query: [{ expression1: { attribute_name: 'region', operator: 'eq', attribute_value: notGranted } }] })));
    expect(outside.message.search_response[0]).toMatchObject({ status: 'rjct', status_reason_code: 'rjct.filter.invalid' });
  });

  it('refuses queries on what the grant does not hold, and bad criteria, request by request', async () => {
    const body = envelope({
      transaction_id: randomUUID(),
      search_request: [
        { reference_id: 'a', timestamp: new Date().toISOString(), search_criteria: { query_type: 'predicate', query: [{ expression1: { attribute_name: 'desil', operator: 'le', attribute_value: 3 } }] } },
        { reference_id: 'b', timestamp: new Date().toISOString(), search_criteria: { query_type: 'idtype-value', query: { type: 'PASSPORT', value: 'x' } } },
        { reference_id: 'c', timestamp: new Date().toISOString(), search_criteria: { query_type: 'idtype-value', query: { type: 'NIK', value: fb.members[0].nik }, pagination: { page_size: 5000 } } },
        { reference_id: 'd', timestamp: new Date().toISOString(), search_criteria: { query_type: 'idtype-value', response_entity: 'Member', query: { type: 'NIK', value: fb.members[0].nik } } },
      ],
    });
    const answer = await conforming(body);
    const by = Object.fromEntries(answer.message.search_response.map((r: Json) => [r.reference_id, r]));
    expect(by.a).toMatchObject({ status: 'rjct', status_reason_code: 'rjct.search_criteria.invalid' });
    expect(by.b).toMatchObject({ status: 'rjct', status_reason_code: 'rjct.search_criteria.invalid' });
    expect(by.c).toMatchObject({ status: 'rjct', status_reason_code: 'rjct.pagination.invalid' });
    expect(by.d).toMatchObject({ status: 'succ' });
    expect(by.d.data.reg_records).toHaveLength(1);
  });

  it('refuses a tampered, expired or missing signature, an unknown sender, a malformed envelope and other roles with the spec codes', async () => {
    const good = envelope(search({ query_type: 'idtype-value', query: { type: 'KK', value: fa.kk } }));
    await refusal(await post({ ...good, message: { ...good.message, transaction_id: 'changed' } }), 401, 'err.signature.invalid');
    await refusal(await post(envelope(search({ query_type: 'idtype-value', query: { type: 'KK', value: fa.kk } }), { now: new Date(Date.now() - 2 * 3600_000), ttl: 3600 })), 401, 'err.signature.invalid');
    await refusal(await post(envelope(search({ query_type: 'idtype-value', query: { type: 'KK', value: fa.kk } }), { key: generateKeyPairSync('ed25519').privateKey })), 401, 'err.signature.invalid');
    const { signature: _s, ...unsigned } = envelope(search({ query_type: 'idtype-value', query: { type: 'KK', value: fa.kk } }));
    void _s;
    await refusal(await post(unsigned), 401, 'err.signature.missing');
    await refusal(await post(envelope(search({ query_type: 'idtype-value', query: { type: 'KK', value: fa.kk } }), { sender: 'unknown.example.org' })), 403, 'err.sender_id.invalid');
    await refusal(await post({ message: good.message }), 400, 'err.request.bad');
    await refusal(await post({ header: 'x', message: 1 }), 400, 'err.request.bad');
    await refusal(await post(null, agency.key, '{"header": '), 400, 'err.request.bad');
    await refusal(await post(good, analyst.key), 403, 'err.request.forbidden');
    await refusal(await post(good, 'spk_0000000000000000_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'), 401, 'err.request.unauthorized');
  });

  it('takes a message id once, and checks the header', async () => {
    const messageId = randomUUID();
    const first = await conforming(envelope(search({ query_type: 'idtype-value', query: { type: 'KK', value: fa.kk } }), { messageId }));
    expect(first.header.status).toBe('succ');
    const again = await conforming(envelope(search({ query_type: 'idtype-value', query: { type: 'KK', value: fa.kk } }), { messageId }));
    expect(again.header).toMatchObject({ status: 'rjct', status_reason_code: 'rjct.message_id.duplicate' });
    expect(again.message.search_response).toEqual([]);
    const wrongCount = await conforming(envelope(search({ query_type: 'idtype-value', query: { type: 'KK', value: fa.kk } }), { total: 3 }));
    expect(wrongCount.header).toMatchObject({ status: 'rjct', status_reason_code: 'rjct.total_count.invalid' });
    const tooMany = envelope({ transaction_id: 't', search_request: Array.from({ length: 21 }, (_, i) => ({ reference_id: `r${i}`, timestamp: new Date().toISOString(), search_criteria: { query_type: 'idtype-value', query: { type: 'KK', value: fa.kk } } })) });
    expect((await conforming(tooMany)).header).toMatchObject({ status: 'rjct', status_reason_code: 'rjct.total_count.limit_exceeded' });
    const wrongAction = await post(envelope(search({ query_type: 'idtype-value', query: { type: 'KK', value: fa.kk } }), { action: 'subscribe' }));
    expect(wrongAction.status).toBe(200);
    expect(responseProblems('/registry/sync/search', 200, wrongAction.body)).toEqual([]);
    expect(wrongAction.body.header).toMatchObject({ status: 'rjct', status_reason_code: 'rjct.action.invalid' });
  });

  it('audits every answer with the records it carried, never their NIK', async () => {
    const rows = await stack.db.query(`select outcome, record_ids, purpose, detail::text as detail from gateway.audit_log where action = 'dci.search' and actor_id = $1 order by at`, [agency.id]);
    expect(rows.rows.length).toBeGreaterThanOrEqual(8);
    expect(rows.rows.some((r: { outcome: string; record_ids: string[] }) => r.outcome === 'ok' && r.record_ids.length > 0)).toBe(true);
    expect(rows.rows.every((r: { purpose: string }) => r.purpose === 'social-protection')).toBe(true);
    for (const f of [fa, fb]) for (const m of f.members) expect(JSON.stringify(rows.rows)).not.toContain(m.nik!);
    const denied = await stack.db.query(`select count(*) as n from gateway.audit_log where action = 'dci.search' and actor_id = $1 and outcome = 'denied'`, [analyst.id]);
    expect(Number(denied.rows[0].n)).toBe(1);
  });
});
