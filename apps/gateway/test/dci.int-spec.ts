import type { FamilyRecord } from '@satupintu/contracts';
import { officialRegions } from '@satupintu/domain';
import { authFetch, createPrincipal, eventually, family, submit, TestStack, type TestPrincipal } from '@satupintu/testing';
import { createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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

describe('DCI Social Registry API', () => {
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
  const platformSigningKey = Buffer.from(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' })).toString('base64');

  // The agency's callback receiver: a real HTTP server. It fails the first attempt at every
  // message (so every callback is retried) and keeps what it accepted.
  type Received = { path: string; body: Record<string, Json> };
  const received: Received[] = [];
  const attemptsOf = new Map<string, number>();
  let receiver: Server;
  let callbackBase: string;
  const startReceiver = () =>
    new Promise<void>((resolve) => {
      receiver = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, Json>;
          const id = String(body.header?.message_id);
          const attempt = (attemptsOf.get(id) ?? 0) + 1;
          attemptsOf.set(id, attempt);
          if (attempt === 1) return void res.writeHead(503).end();
          received.push({ path: req.url ?? '', body });
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ message: { ack_status: 'ACK', timestamp: new Date().toISOString(), correlation_id: randomUUID() } }));
        });
      }).listen(0, '127.0.0.1', () => {
        callbackBase = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/dci`;
        resolve();
      });
    });
  const platformKeys = async () => {
    const jwks = (await (await fetch(`${url}/.well-known/jwks.json`)).json()) as { keys: Array<Record<string, string>> };
    return jwks.keys.map((k) => ({ keyId: k.kid, algorithm: 'ed25519' as const, publicKeyPem: createPublicKey({ key: k, format: 'jwk' }).export({ type: 'spki', format: 'pem' }) as string }));
  };
  /** The callbacks received at a path, each checked against the spec's schema for it and its signature. */
  const callbacksAt = async (path: string, where: (b: Record<string, Json>) => boolean = () => true) => {
    const keys = await platformKeys();
    const found = received.filter((r) => r.path === `/dci${path}` && where(r.body));
    for (const r of found) {
      expect(requestProblems(path, r.body)).toEqual([]);
      expect(verifyEnvelope(r.body as never, keys, new Date())).toBeNull();
    }
    return found.map((r) => r.body);
  };
  const send = async (path: string, body: unknown, key = agency.key): Promise<Answer> => {
    const res = await authFetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, Json> };
  };
  const registered = async (f: FamilyRecord) =>
    eventually(async () => {
      const found = (await (await authFetch(`${url}/v1/families?kk=${f.kk}`)).json()) as { families: Array<{ version: number }> };
      return found.families.length === 1 ? found.families[0] : undefined;
    }, 180_000, 300);

  const envelope = (message: Record<string, unknown>, o: { action?: string; messageId?: string; total?: number; sender?: string; key?: KeyObject; now?: Date; ttl?: number } = {}) => {
    const header = { version: '1.0.0', message_id: o.messageId ?? randomUUID(), message_ts: new Date().toISOString(), action: o.action ?? 'search', sender_id: o.sender ?? SENDER, receiver_id: 'satupintu.go.id', total_count: o.total ?? (((message.search_request ?? message.subscribe_request) as unknown[] | undefined)?.length ?? 1), is_msg_encrypted: false };
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

  const GATEWAY_ENV = { DCI_SIGNING_KEY: platformSigningKey, DCI_CALLBACK_RETRY_BASE_MS: '200', DCI_CALLBACK_MAX_ATTEMPTS: '3', DCI_CALLBACK_POLL_MS: '50', DCI_CALLBACK_TIMEOUT_MS: '2000' };

  beforeAll(async () => {
    await stack.setUp();
    await startReceiver();
    url = (await stack.start('gateway', { extraEnv: GATEWAY_ENV })).url;
    await Promise.all([stack.start('validation'), stack.start('dedup')]);
    agency = await createPrincipal(url, { role: 'agency', kind: 'system', regions: ['31.71'], agency: AGENCY, purposes: ['social-protection', 'statistics'] });
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
      body: JSON.stringify({ agencyId: AGENCY, callbackBaseUrl: callbackBase, keys: [{ keyId: 'k1', algorithm: 'ed25519', publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) }] }),
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

  afterAll(async () => {
    await stack.tearDown();
    receiver?.close();
  });

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
    const first = await conforming(envelope(search({ query_type: 'expression', query: { type: 'ns:org:QueryType:expression', value: { expression: { collection: 'Group', query: { $and: [{ region: { $eq: '31.71' } }, { group_size: { $ge: 1 } }] } } } }, pagination: { page_size: 1, page_number: 1 }, sort: [{ attribute_name: 'family_id', sort_order: 'asc' }] })));
    expect(first.message.search_response[0].pagination.total_count).toBe(2);
    const second = await conforming(envelope(search({ query_type: 'expression', query: { type: 'ns:org:QueryType:expression', value: { expression: { collection: 'Group', query: { region: '31.71' } } } }, pagination: { page_size: 1, page_number: 2 }, sort: [{ attribute_name: 'family_id', sort_order: 'asc' }] })));
    const kks = [...records(first), ...records(second)].map((g) => g.group_identifier.find((i: Json) => i.identifier_type === 'KK').identifier_value);
    expect(kks.sort()).toEqual([fa.kk, fb.kk].sort());
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
    // A purpose other than the grant's (the principal holds it, the grant is not for it).
    const res = await authFetch(`${url}/registry/sync/search`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${agency.key}`, 'x-purpose': 'statistics' }, body: JSON.stringify(envelope(search({ query_type: 'idtype-value', query: { type: 'KK', value: fa.kk } }))) });
    await refusal({ status: res.status, body: (await res.json()) as Record<string, Json> }, 403, 'err.request.forbidden');
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

  it('acknowledges an async search and answers it at the callback, retried until taken, signed and conforming', async () => {
    const body = envelope(search({ query_type: 'idtype-value', response_entity: 'Member', query: { type: 'NIK', value: fb.members[1].nik } }));
    expect(requestProblems('/registry/search', body)).toEqual([]);
    const ack = await send('/registry/search', body);
    expect(ack.status).toBe(200);
    expect(responseProblems('/registry/search', 200, ack.body)).toEqual([]);
    expect(ack.body.message.ack_status).toBe('ACK');
    const correlationId = ack.body.message.correlation_id;
    const [answer] = await eventually(async () => {
      const found = await callbacksAt('/registry/on-search', (b) => b.message?.correlation_id === correlationId);
      return found.length > 0 ? found : undefined;
    }, 30_000, 100);
    expect(answer.header).toMatchObject({ action: 'on-search', status: 'succ', receiver_id: SENDER });
    expect(answer.message.search_response[0].data.reg_records[0].demographic_info.name.given_name).toBe(fb.members[1].name);
    expect(attemptsOf.get(answer.header.message_id)).toBe(2);

    // Its status, asked synchronously.
    const status = envelope({ transaction_id: body.message.transaction_id, txnstatus_request: { reference_id: 'q1', txn_type: 'search', attribute_type: 'correlation_id', attribute_value: correlationId } }, { action: 'txn-status', total: 1 });
    expect(requestProblems('/registry/sync/txn/status', status)).toEqual([]);
    const txn = await send('/registry/sync/txn/status', status);
    expect(txn.status).toBe(200);
    expect(responseProblems('/registry/sync/txn/status', 200, txn.body)).toEqual([]);
    expect(txn.body.message.txnstatus_response.txn_status.search_response).toEqual([expect.objectContaining({ reference_id: 'r1', status: 'succ' })]);
  });

  it('refuses a callback address outside the registered base URL', async () => {
    const body = envelope(search({ query_type: 'idtype-value', query: { type: 'KK', value: fa.kk } }));
    const elsewhere = { ...body, header: { ...body.header, sender_uri: 'http://169.254.169.254/latest' } };
    const signed = { ...elsewhere, signature: signEnvelope({ header: elsewhere.header, message: elsewhere.message }, { privateKey, senderId: SENDER, keyId: 'k1', algorithm: 'ed25519' }, new Date()) };
    await refusal(await send('/registry/search', signed), 400, 'err.sender_uri.invalid');
  });

  it('keeps subscriptions across a restart, notifies each registration and update in the granted regions once, and nothing after unsubscribing', async () => {
    const subscribe = envelope(
      {
        transaction_id: randomUUID(),
        subscribe_request: ['REGISTER', 'UPDATE'].map((type, i) => ({
          reference_id: `s${i}`,
          timestamp: new Date().toISOString(),
          subscribe_criteria: { version: '1.0.0', reg_type: 'ns:org:RegistryType:Social', reg_event_type: type, filter_type: 'predicate', filter: [{ seq_num: 1, expression1: { attribute_name: 'region', operator: 'eq', attribute_value: granted } }], notify_record_type: 'spdci:Group' },
          locale: 'ind',
        })),
      },
      { action: 'subscribe' },
    );
    expect(requestProblems('/registry/subscribe', subscribe)).toEqual([]);
    const ack = await send('/registry/subscribe', subscribe);
    expect(responseProblems('/registry/subscribe', 200, ack.body)).toEqual([]);
    expect(ack.body.message.ack_status).toBe('ACK');
    const [onSubscribe] = await eventually(async () => {
      const found = await callbacksAt('/registry/on-subscribe', (b) => b.message?.correlation_id === ack.body.message.correlation_id);
      return found.length > 0 ? found : undefined;
    }, 30_000, 100);
    const codes: string[] = onSubscribe.message.subscribe_response.map((r: Json) => r.subscriptions[0].code);
    expect(codes).toHaveLength(2);

    // The gateway restarts; the subscriptions are kept in PostgreSQL.
    await stack.stop('gateway');
    url = (await stack.start('gateway', { extraEnv: GATEWAY_ENV })).url;

    const fd: FamilyRecord = family({ village: v2, members: 2 });
    const fe: FamilyRecord = family({ village: v3, members: 2 });
    expect((await submit(url, [fd, fe].map((f, i) => ({ idempotencyKey: `dci-sub-${i}`, family: f })))).body.records.every((r) => r.status === 'accepted')).toBe(true);
    await registered(fe);
    const first = await registered(fd);
    // A member is added: an update.
    const grown: FamilyRecord = { ...fd, members: [...fd.members, { ...family({ village: v2, members: 3 }).members[2], relationship: 4 }] };
    expect((await submit(url, [{ idempotencyKey: 'dci-sub-grown', family: grown }])).body.records[0].status).toBe('accepted');
    await eventually(async () => ((await registered(fd)).version > first.version ? true : undefined), 60_000, 300);

    const notifies = await eventually(async () => {
      const found = await callbacksAt('/registry/notify');
      return found.length >= 2 ? found : undefined;
    }, 60_000, 200);
    await new Promise((r) => setTimeout(r, 2000)); // nothing more arrives
    const all = await callbacksAt('/registry/notify');
    expect(all).toHaveLength(notifies.length);
    const events = all.flatMap((n) => n.message.notify_event);
    const kkOf = (e: Json) => e.data.reg_records.group_identifier.find((i: Json) => i.identifier_type === 'KK').identifier_value;
    // Only the family in the granted region; the registration once, the update once.
    expect(events.every((e) => kkOf(e) === fd.kk)).toBe(true);
    expect(events.map((e) => e.data.reg_event_type)).toEqual(['REGISTER', 'NewHouseHoldMember']);
    expect(events[1].data.reg_records.group_size).toBe(3);
    expect(JSON.stringify(all)).not.toContain('poverty_score');

    // Unsubscribed: nothing more.
    const unsubscribe = envelope({ transaction_id: randomUUID(), timestamp: new Date().toISOString(), subscription_codes: codes }, { action: 'unsubscribe', total: codes.length });
    expect(requestProblems('/registry/unsubscribe', unsubscribe)).toEqual([]);
    const unAck = await send('/registry/unsubscribe', unsubscribe);
    expect(unAck.body.message.ack_status).toBe('ACK');
    const [onUnsubscribe] = await eventually(async () => {
      const found = await callbacksAt('/registry/on-unsubscribe', (b) => b.message?.correlation_id === unAck.body.message.correlation_id);
      return found.length > 0 ? found : undefined;
    }, 30_000, 100);
    expect(onUnsubscribe.message).toMatchObject({ status: 'succ', subscription_status: codes.map((code) => ({ code, status: 'unsubscribe' })) });
    const ff: FamilyRecord = family({ village: v1, members: 2 });
    expect((await submit(url, [{ idempotencyKey: 'dci-sub-after', family: ff }])).body.records[0].status).toBe('accepted');
    await registered(ff);
    await new Promise((r) => setTimeout(r, 2000));
    expect(await callbacksAt('/registry/notify')).toHaveLength(all.length);
    const again = await send('/registry/unsubscribe', envelope({ transaction_id: randomUUID(), timestamp: new Date().toISOString(), subscription_codes: [codes[0]] }, { action: 'unsubscribe', total: 1 }));
    expect(again.body.message.ack_status).toBe('ACK');
  });

  it('dead-letters a callback its receiver never takes, shows it to the admin, and sends it again on request', async () => {
    const dead = 'dinsos.dead.example';
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const put = await authFetch(`${url}/v1/admin/dci/senders/${dead}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ agencyId: AGENCY, callbackBaseUrl: `http://127.0.0.1:${port}`, keys: [{ keyId: 'k1', algorithm: 'ed25519', publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) }] }),
    });
    expect(put.status).toBe(200);
    const ack = await send('/registry/search', envelope(search({ query_type: 'idtype-value', query: { type: 'KK', value: fa.kk } }), { sender: dead }));
    expect(ack.body.message.ack_status).toBe('ACK');
    const status = await eventually(async () => {
      const s = (await (await authFetch(`${url}/v1/admin/dci/callbacks?sender=${dead}`)).json()) as { senders: Record<string, { dead: number }>; dead: Array<{ seq: number; attempts: number; lastError: string }> };
      return s.senders[dead]?.dead === 1 ? s : undefined;
    }, 30_000, 200);
    expect(status.dead[0]).toMatchObject({ attempts: 3, lastError: 'connection failed' });
    const redeliver = await authFetch(`${url}/v1/admin/dci/senders/${dead}/callbacks/redeliver`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(redeliver.status).toBe(202);
    expect(await redeliver.json()).toEqual({ redelivering: 1 });
  });

  it('audits every answer with the records it carried, never their NIK', async () => {
    const rows = await stack.db.query(`select outcome, record_ids, purpose, detail::text as detail from gateway.audit_log where action = 'dci.search' and actor_id = $1 order by at`, [agency.id]);
    expect(rows.rows.length).toBeGreaterThanOrEqual(8);
    // Every callback that carried personal data left an entry when it was delivered.
    const delivered = await stack.db.query(`select count(*) as n from gateway.audit_log where action in ('dci.on-search', 'dci.notify')`);
    expect(Number(delivered.rows[0].n)).toBeGreaterThanOrEqual(3);
    expect(rows.rows.some((r: { outcome: string; record_ids: string[] }) => r.outcome === 'ok' && r.record_ids.length > 0)).toBe(true);
    expect(rows.rows.filter((r: { outcome: string }) => r.outcome === 'ok').every((r: { purpose: string }) => r.purpose === 'social-protection')).toBe(true);
    for (const f of [fa, fb]) for (const m of f.members) expect(JSON.stringify(rows.rows)).not.toContain(m.nik!);
    const denied = await stack.db.query(`select count(*) as n from gateway.audit_log where action = 'dci.search' and actor_id = $1 and outcome = 'denied'`, [analyst.id]);
    expect(Number(denied.rows[0].n)).toBe(1);
  });
});
