import { Inject, Injectable } from '@nestjs/common';
import { AgencyId, type AgencyGrant } from '@satupintu/contracts';
import { projectFamily } from '@satupintu/domain';
import { ApiError, DATA_SOURCE } from '@satupintu/platform';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';
import { SCOPE_SQL, type Caller } from '../auth/caller';
import { ACCESS_SETTINGS, type AccessSettings } from '../config/access.config';
import { parseBody } from '../http/params';
import { GrantsService } from '../subscriptions/grants.service';
import { toDciGroup, toDciMember } from './mapping';
import { QueryProblem, readCriteria, regionsOutside, toSql, ungrantedAttributes, type RegistryQuery } from './queries';
import { checkPublicKey, verifyEnvelope, SIGNATURE_ALGORITHMS, type SenderKey } from './signature';
import { DciSigner } from './signer';
import { CALLBACK_PATHS, DciCallbacks, type CallbackKind } from './callbacks';
import { RegistryReadModel, type StoredState } from '../registry/read-model';

/** An error of the DCI communication layer, answered as the spec's HttpErrorResponse `{ errors: [{ code, message }] }`. */
export class DciError extends ApiError {
  constructor(status: number, dciCode: string, message: string) {
    super(status, dciCode, message);
  }
}

const SenderBody = z.strictObject({
  agencyId: AgencyId,
  callbackBaseUrl: z.url().max(500).nullable().optional(),
  keys: z.array(z.strictObject({ keyId: z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/), algorithm: z.enum(SIGNATURE_ALGORITHMS), publicKeyPem: z.string().min(40).max(4000) })).min(1).max(5),
});

const Envelope = z.object({
  signature: z.string().max(4096).optional(),
  header: z.object({
    version: z.string().max(20).optional(),
    message_id: z.string().min(1).max(99),
    message_ts: z.string().max(40),
    action: z.string().max(40),
    sender_id: z.string().min(1).max(100),
    sender_uri: z.string().max(500).optional(),
    receiver_id: z.string().max(100).optional(),
    total_count: z.number().int(),
    is_msg_encrypted: z.boolean().optional(),
    meta: z.record(z.string(), z.unknown()).optional(),
  }),
  message: z.record(z.string(), z.unknown()),
});
type Envelope = z.infer<typeof Envelope>;

const SearchItem = z.object({
  reference_id: z.string().min(1).max(99),
  timestamp: z.string().max(40),
  search_criteria: z.object({
    version: z.string().optional(),
    reg_type: z.string().optional(),
    reg_record_type: z.string().optional(),
    query_type: z.string(),
    response_entity: z.enum(['Group', 'Member']).optional(),
    query: z.unknown(),
    sort: z.array(z.object({ attribute_name: z.string().max(40), sort_order: z.enum(['asc', 'desc']).optional() })).max(3).optional(),
    pagination: z.object({ page_size: z.number(), page_number: z.number().optional() }).optional(),
  }).passthrough(),
  locale: z.string().max(10).optional(),
});
type SearchItem = z.infer<typeof SearchItem>;
const SearchMessage = z.object({ transaction_id: z.string().min(1).max(99), search_request: z.array(z.unknown()).min(1) });
const SubscribeMessage = z.object({ transaction_id: z.string().min(1).max(99), subscribe_request: z.array(z.unknown()).min(1) });
const SubscribeItem = z.object({
  reference_id: z.string().min(1).max(99),
  timestamp: z.string().max(40),
  subscribe_criteria: z.object({
    reg_type: z.string().max(200).optional(),
    reg_event_type: z.string().max(200),
    filter_type: z.enum(['idtype-value', 'expression', 'predicate']).optional(),
    filter: z.unknown(),
    notify_record_type: z.string().max(200),
  }).passthrough(),
  locale: z.string().max(10).optional(),
});
const UnsubscribeMessage = z.object({ transaction_id: z.string().min(1).max(99), timestamp: z.string().max(40), subscription_codes: z.array(z.string().max(99)).min(1).max(100) });
const TxnStatusMessage = z.object({
  transaction_id: z.string().min(1).max(99),
  txnstatus_request: z.object({
    reference_id: z.string().max(99),
    txn_type: z.enum(['search', 'subscribe', 'receipt']),
    attribute_type: z.enum(['transaction_id', 'reference_id_list', 'correlation_id']),
    attribute_value: z.union([z.string().max(99), z.array(z.string().max(99)).max(100)]),
  }),
});

interface SenderRow {
  sender_id: string;
  agency_id: string;
  status: string;
  callback_base_url: string | null;
}

/** Requests one message may carry (header.total_count). */
export const MAX_REQUESTS = 20;
/** Records one page may hold. */
export const MAX_PAGE_SIZE = 100;
/** How far a message's timestamp may be from now. */
const MESSAGE_TS_WINDOW_MS = 24 * 3600_000;
/** Not the KK: it is encrypted at rest (docs/security.md). */
const SORTABLE: Record<string, string> = { family_id: 'f.family_id', region: 'f.village_code', group_size: "jsonb_array_length(f.state->'members')", desil: "(f.state->'attributes'->>'welfareDecile')::numeric" };

const isoNow = () => new Date().toISOString();

/**
 * The registry side of the DCI Social Registry API, on what the gateway already has: the registry
 * read model (gateway.registry_families), the agencies' grants and the audit trail. A DCI caller is
 * an agency principal speaking through a sender an admin registered (its keys, its callback base
 * URL). Every answer is cut to the agency's grant, exactly as its Kafka topics are.
 */
@Injectable()
export class DciService {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(GrantsService) private readonly grants: GrantsService,
    @Inject(ACCESS_SETTINGS) private readonly settings: AccessSettings,
    @Inject(DciSigner) private readonly signer: DciSigner,
    @Inject(DciCallbacks) private readonly callbacks: DciCallbacks,
    @Inject(RegistryReadModel) private readonly readModel: RegistryReadModel,
  ) {}

  /** The platform's public signing key as a JSON Web Key Set. */
  jwks() {
    return this.signer.jwks();
  }

  async putSender(senderId: string, body: unknown, by: Caller) {
    if (!/^[A-Za-z0-9._:-]{3,100}$/.test(senderId)) throw new ApiError(400, 'INVALID_SENDER_ID', 'a sender id is 3 to 100 letters, digits and . _ : -');
    const b = parseBody(SenderBody, body);
    for (const k of b.keys) {
      const problem = checkPublicKey(k.publicKeyPem, k.algorithm);
      if (problem) throw new ApiError(400, 'INVALID_KEY', `${k.keyId}: ${problem}`);
    }
    if (b.callbackBaseUrl && !/^https:\/\//.test(b.callbackBaseUrl) && !(this.settings.webhookAllowHttp && /^http:\/\//.test(b.callbackBaseUrl))) throw new ApiError(400, 'INVALID_CALLBACK_URL', 'the callback base URL must be https');
    await this.db.transaction(async (m) => {
      await m.query(
        `insert into gateway.dci_senders (sender_id, agency_id, callback_base_url, status, registered_by) values ($1, $2, $3, 'active', $4)
         on conflict (sender_id) do update set agency_id = excluded.agency_id, callback_base_url = excluded.callback_base_url, status = 'active', registered_by = excluded.registered_by, registered_at = now()`,
        [senderId, b.agencyId, b.callbackBaseUrl ?? null, by.principal.id],
      );
      await m.query('delete from gateway.dci_sender_keys where sender_id = $1', [senderId]);
      for (const k of b.keys) await m.query('insert into gateway.dci_sender_keys (sender_id, key_id, algorithm, public_key_pem) values ($1, $2, $3, $4)', [senderId, k.keyId, k.algorithm, k.publicKeyPem]);
    });
    by.detail = { senderId, agencyId: b.agencyId, keys: b.keys.map((k) => k.keyId) };
    return { senderId, agencyId: b.agencyId, callbackBaseUrl: b.callbackBaseUrl ?? null, keys: b.keys.map(({ keyId, algorithm }) => ({ keyId, algorithm })) };
  }

  async listSenders() {
    const rows: Array<{ sender_id: string; agency_id: string; callback_base_url: string | null; status: string; keys: Array<{ keyId: string; algorithm: string }> | null }> = await this.db.query(
      `select s.*, (select json_agg(json_build_object('keyId', k.key_id, 'algorithm', k.algorithm) order by k.key_id) from gateway.dci_sender_keys k where k.sender_id = s.sender_id) as keys
         from gateway.dci_senders s order by s.sender_id`,
    );
    return { senders: rows.map((r) => ({ senderId: r.sender_id, agencyId: r.agency_id, callbackBaseUrl: r.callback_base_url, status: r.status, keys: r.keys ?? [] })) };
  }

  /**
   * Checks an envelope before anything in it is read: its shape, the sender (registered, active,
   * speaking for the caller's agency), the receiver, and the signature. Throws the spec's
   * communication-layer errors.
   */
  async authenticate(body: unknown, caller: Caller): Promise<{ envelope: Envelope; grant: AgencyGrant; sender: SenderRow }> {
    if (!this.signer.enabled) throw new DciError(503, 'err.service.unavailable', 'the DCI API is not configured (DCI_SIGNING_KEY)');
    const parsed = Envelope.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new DciError(400, 'err.request.bad', `malformed envelope: ${issue.path.join('.') || '(body)'}: ${issue.message}`);
    }
    const envelope = parsed.data;
    if (envelope.header.is_msg_encrypted) throw new DciError(400, 'err.encryption.invalid', 'encrypted messages are not supported; send is_msg_encrypted false over TLS');
    if (envelope.header.receiver_id !== undefined && envelope.header.receiver_id !== this.settings.dci.platformId) throw new DciError(400, 'err.receiver_id.invalid', `receiver_id must be ${this.settings.dci.platformId}`);
    const [sender]: SenderRow[] = await this.db.query('select sender_id, agency_id, status, callback_base_url from gateway.dci_senders where sender_id = $1', [envelope.header.sender_id]);
    if (!sender || sender.status !== 'active' || (caller.principal.role !== 'admin' && sender.agency_id !== caller.principal.agency)) {
      throw new DciError(403, 'err.sender_id.invalid', 'sender_id is not registered for your agency');
    }
    const keys: Array<{ key_id: string; algorithm: SenderKey['algorithm']; public_key_pem: string }> = await this.db.query('select key_id, algorithm, public_key_pem from gateway.dci_sender_keys where sender_id = $1', [envelope.header.sender_id]);
    const problem = verifyEnvelope(envelope, keys.map((k) => ({ keyId: k.key_id, algorithm: k.algorithm, publicKeyPem: k.public_key_pem })), new Date());
    if (problem) throw new DciError(401, problem.code, problem.message);
    const grant = await this.grants.find(sender.agency_id);
    if (!grant || grant.status !== 'active') throw new DciError(403, 'err.request.forbidden', 'your agency has no grant in force');
    // The grant is for one purpose of processing: a call stating another is refused.
    if (caller.principal.role !== 'admin' && caller.purpose !== grant.purpose) throw new DciError(403, 'err.request.forbidden', `your agency's grant is for the purpose ${grant.purpose}; state it (X-Purpose)`);
    return { envelope, grant, sender };
  }

  /**
   * The header checks the spec answers in the callback header (status rjct and a reason code)
   * rather than as a communication error; the message id is claimed here (taken once per sender).
   */
  private async headerProblem(envelope: Envelope, action: string, requests: number): Promise<{ code: string; message: string } | null> {
    const h = envelope.header;
    if (h.version !== undefined && h.version !== '1.0.0') return { code: 'rjct.version.invalid', message: 'version 1.0.0 is supported' };
    if (h.action !== action) return { code: 'rjct.action.invalid', message: `this endpoint takes action "${action}"` };
    const ts = Date.parse(h.message_ts);
    if (!Number.isFinite(ts) || Math.abs(ts - Date.now()) > MESSAGE_TS_WINDOW_MS) return { code: 'rjct.message_ts.invalid', message: 'message_ts must be an ISO 8601 time within a day of now' };
    if (h.total_count > MAX_REQUESTS) return { code: 'rjct.total_count.limit_exceeded', message: `at most ${MAX_REQUESTS} requests per message` };
    if (h.total_count !== requests) return { code: 'rjct.total_count.invalid', message: 'total_count must be the number of requests in the message' };
    const claimed: unknown[] = await this.db.query(
      'insert into gateway.dci_messages (sender_id, message_id, action) values ($1, $2, $3) on conflict do nothing returning message_id',
      [h.sender_id, h.message_id, action],
    );
    if (claimed.length === 0) return { code: 'rjct.message_id.duplicate', message: 'this message_id was received before' };
    return null;
  }

  /** POST /registry/sync/search: every search request of the message answered in the response. */
  async syncSearch(body: unknown, caller: Caller) {
    const { envelope, grant } = await this.authenticate(body, caller);
    const message = this.searchMessage(envelope);
    const correlationId = randomUUID();
    const rejected = await this.headerProblem(envelope, 'search', message.search_request.length);
    if (rejected) return this.answer(envelope, 'on-search', { transaction_id: message.transaction_id, correlation_id: correlationId, search_response: [] }, { status: 'rjct', reason: rejected, total: message.search_request.length, completed: 0 });
    const responses = await this.answerSearches(message, grant, caller);
    await this.recordTransaction(this.db, correlationId, envelope, 'search', message.transaction_id, responses);
    return this.answer(envelope, 'on-search', { transaction_id: message.transaction_id, correlation_id: correlationId, search_response: responses }, { status: 'succ', total: responses.length, completed: responses.length });
  }

  /**
   * POST /registry/search: the message is checked and acknowledged (ACK with its correlation id);
   * the answer goes to the sender's callback (`{base}/registry/on-search`, or the `sender_uri` it
   * gave under its registered base URL) through the callback queue.
   */
  async asyncSearch(body: unknown, caller: Caller) {
    const { envelope, grant, sender } = await this.authenticate(body, caller);
    const message = this.searchMessage(envelope);
    const url = this.callbackUrl(sender, envelope, 'on-search');
    const rejected = await this.headerProblem(envelope, 'search', message.search_request.length);
    if (rejected) return this.nack(rejected);
    const correlationId = randomUUID();
    const responses = await this.answerSearches(message, grant, caller);
    await this.db.transaction(async (m) => {
      await this.recordTransaction(m, correlationId, envelope, 'search', message.transaction_id, responses);
      await this.callbacks.enqueue(m, [{
        senderId: envelope.header.sender_id, kind: 'on-search', url,
        header: this.callbackHeader(envelope, 'on-search', { status: 'succ', total: responses.length, completed: responses.length }),
        message: { transaction_id: message.transaction_id, correlation_id: correlationId, search_response: responses },
        recordIds: caller.recordIds,
      }]);
    });
    return this.ack(correlationId);
  }

  private searchMessage(envelope: Envelope) {
    const message = SearchMessage.safeParse(envelope.message);
    if (!message.success) throw new DciError(400, 'err.request.bad', `malformed search message: ${message.error.issues[0].path.join('.')}: ${message.error.issues[0].message}`);
    return message.data;
  }

  private async answerSearches(message: z.infer<typeof SearchMessage>, grant: AgencyGrant, caller: Caller) {
    const seen = new Set<string>();
    const responses: Array<Record<string, unknown>> = [];
    let found = 0;
    for (const raw of message.search_request) {
      const item = SearchItem.safeParse(raw);
      const referenceId = referenceOf(raw);
      if (!item.success) {
        responses.push(this.rejected(referenceId, 'rjct.search_criteria.invalid', `${item.error.issues[0].path.join('.')}: ${item.error.issues[0].message}`));
        continue;
      }
      if (seen.has(item.data.reference_id)) {
        responses.push(this.rejected(referenceId, 'rjct.reference_id.duplicate', 'this reference_id appears twice in the message'));
        continue;
      }
      seen.add(item.data.reference_id);
      const result = await this.searchOne(item.data, grant, caller);
      if ('code' in result) responses.push(this.rejected(referenceId, result.code, result.message, item.data.locale));
      else {
        found += result.records.length;
        responses.push(result.response);
      }
    }
    caller.detail = { transactionId: message.transaction_id, requests: responses.length, found, agency: grant.agencyId };
    return responses;
  }

  /** What was asked in an accepted message and how each request stands (for txn/status); no personal data. */
  private async recordTransaction(m: EntityManager | DataSource, correlationId: string, envelope: Envelope, action: string, transactionId: string, responses: ReadonlyArray<Record<string, unknown>>) {
    const requests = responses.map((r) => ({ reference_id: r.reference_id, status: r.status, ...(r.status_reason_code ? { status_reason_code: r.status_reason_code } : {}), timestamp: r.timestamp }));
    await m.query('insert into gateway.dci_transactions (correlation_id, sender_id, transaction_id, action, requests) values ($1, $2, $3, $4, $5)', [correlationId, envelope.header.sender_id, transactionId, action, JSON.stringify(requests)]);
  }

  /** Where a sender's callback of this kind goes: under its registered base URL, never elsewhere. */
  callbackUrl(sender: SenderRow, envelope: Envelope | null, kind: CallbackKind): string {
    const base = sender.callback_base_url?.replace(/\/+$/, '');
    if (!base) throw new DciError(400, 'err.sender_uri.invalid', 'this sender has no callback base URL registered; ask the admin to register one');
    const given = envelope?.header.sender_uri;
    if (given !== undefined) {
      if (given !== base && !given.startsWith(`${base}/`)) throw new DciError(400, 'err.sender_uri.invalid', "sender_uri must lie under the sender's registered callback base URL");
      if (/[?#]|\/\.\.?(\/|$)/.test(given.slice(base.length))) throw new DciError(400, 'err.sender_uri.invalid', 'sender_uri may not carry a query, a fragment or dot segments');
      return given;
    }
    return `${base}${CALLBACK_PATHS[kind]}`;
  }

  /** The Response of an accepted asynchronous message. */
  private ack(correlationId: string) {
    return { message: { ack_status: 'ACK', timestamp: isoNow(), correlation_id: correlationId } };
  }

  /** A message refused on its header (duplicate id, counts, action ...): ERR with the reason code in the message. */
  private nack(reason: { code: string; message: string }) {
    return { message: { ack_status: 'ERR', timestamp: isoNow(), correlation_id: randomUUID(), error: { code: 'err.request.bad', message: `${reason.code}: ${reason.message}` } } };
  }

  /** POST /registry/subscribe: subscriptions kept (until unsubscribed), answered by on-subscribe. */
  async subscribe(body: unknown, caller: Caller) {
    const { envelope, grant, sender } = await this.authenticate(body, caller);
    const message = SubscribeMessage.safeParse(envelope.message);
    if (!message.success) throw new DciError(400, 'err.request.bad', `malformed subscribe message: ${message.error.issues[0].path.join('.')}: ${message.error.issues[0].message}`);
    const url = this.callbackUrl(sender, envelope, 'on-subscribe');
    this.callbackUrl(sender, null, 'notify');
    const rejected = await this.headerProblem(envelope, 'subscribe', message.data.subscribe_request.length);
    if (rejected) return this.nack(rejected);
    const correlationId = randomUUID();
    const responses: Array<Record<string, unknown>> = [];
    await this.db.transaction(async (m) => {
      const seen = new Set<string>();
      for (const raw of message.data.subscribe_request) {
        const referenceId = referenceOf(raw);
        const item = SubscribeItem.safeParse(raw);
        if (!item.success) {
          responses.push(this.rejected(referenceId, 'rjct.notify_details.invalid', `${item.error.issues[0].path.join('.')}: ${item.error.issues[0].message}`));
          continue;
        }
        if (seen.has(referenceId)) {
          responses.push(this.rejected(referenceId, 'rjct.reference_id.duplicate', 'this reference_id appears twice in the message'));
          continue;
        }
        seen.add(referenceId);
        const c = item.data.subscribe_criteria;
        const eventTypes = readEventTypes(c.reg_event_type);
        if (!eventTypes) {
          responses.push(this.rejected(referenceId, 'rjct.notify_types.invalid', `reg_event_type must be one of ${SUBSCRIBABLE_EVENTS.join(', ')}`, item.data.locale));
          continue;
        }
        const entity = /member$/i.test(c.notify_record_type) ? 'Member' : 'Group';
        let query: RegistryQuery;
        try {
          query = readCriteria({ query_type: c.filter_type ?? (Array.isArray(c.filter) ? 'predicate' : 'idtype-value'), query: c.filter, response_entity: entity });
        } catch (e) {
          if (!(e instanceof QueryProblem)) throw e;
          responses.push(this.rejected(referenceId, 'rjct.notify_details.invalid', e.message, item.data.locale));
          continue;
        }
        const refused = this.grantRefusal(query, grant);
        if (refused) {
          responses.push(this.rejected(referenceId, 'rjct.notify_details.invalid', refused.message, item.data.locale));
          continue;
        }
        const [existing]: Array<{ code: string }> = await m.query(
          `select code from gateway.dci_subscriptions where sender_id = $1 and status = 'subscribe' and event_types = $2 and entity = $3 and query = $4::jsonb`,
          [envelope.header.sender_id, eventTypes, query.entity, JSON.stringify(query)],
        );
        if (existing) {
          responses.push({ ...this.rejected(referenceId, 'rjct.event.already_subscribed', `subscription ${existing.code} is the same`, item.data.locale) });
          continue;
        }
        const code = randomUUID();
        const locale = item.data.locale ?? 'eng';
        await m.query(
          `insert into gateway.dci_subscriptions (code, sender_id, agency_id, event_types, entity, filter_type, filter, query, locale, status) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'subscribe')`,
          [code, envelope.header.sender_id, grant.agencyId, eventTypes, query.entity, c.filter_type ?? 'predicate', JSON.stringify(c.filter), JSON.stringify(query), locale],
        );
        responses.push({
          reference_id: referenceId, timestamp: isoNow(), status: 'succ', locale,
          subscriptions: [{ version: '1.0.0', code, status: 'subscribe', timestamp: isoNow(), reg_type: c.reg_type ?? 'ns:org:RegistryType:Social', reg_event_type: c.reg_event_type, filter_type: c.filter_type ?? 'predicate', filter: c.filter, notify_record_type: c.notify_record_type, locale }],
        });
      }
      await this.recordTransaction(m, correlationId, envelope, 'subscribe', message.data.transaction_id, responses);
      await this.callbacks.enqueue(m, [{
        senderId: envelope.header.sender_id, kind: 'on-subscribe', url,
        header: this.callbackHeader(envelope, 'on-subscribe', { status: 'succ', total: responses.length, completed: responses.length }),
        message: { transaction_id: message.data.transaction_id, correlation_id: correlationId, subscribe_response: responses },
      }]);
    });
    caller.detail = { transactionId: message.data.transaction_id, subscriptions: responses.filter((r) => r.status === 'succ').length, agency: grant.agencyId };
    return this.ack(correlationId);
  }

  /** POST /registry/unsubscribe: the sender's subscriptions ended, answered by on-unsubscribe. */
  async unsubscribe(body: unknown, caller: Caller) {
    const { envelope, sender } = await this.authenticate(body, caller);
    const message = UnsubscribeMessage.safeParse(envelope.message);
    if (!message.success) throw new DciError(400, 'err.request.bad', `malformed unsubscribe message: ${message.error.issues[0].path.join('.')}: ${message.error.issues[0].message}`);
    const url = this.callbackUrl(sender, envelope, 'on-unsubscribe');
    const rejected = await this.headerProblem(envelope, 'unsubscribe', message.data.subscription_codes.length);
    if (rejected) return this.nack(rejected);
    const correlationId = randomUUID();
    await this.db.transaction(async (m) => {
      const statuses: Array<{ code: string; status: 'unsubscribe' }> = [];
      let problem: { code: string; message: string } | null = null;
      for (const code of message.data.subscription_codes) {
        const [row]: Array<{ status: string }> = /^[0-9a-f-]{36}$/i.test(code) ? await m.query('select status from gateway.dci_subscriptions where code = $1 and sender_id = $2 for update', [code, envelope.header.sender_id]) : [];
        if (!row) problem ??= { code: 'rjct.subscription_code.invalid', message: `no subscription of this sender has the code ${code.slice(0, 40)}` };
        else if (row.status === 'unsubscribe') problem ??= { code: 'rjct.event.already_unsubscribed', message: `${code} was unsubscribed before` };
        else {
          await m.query(`update gateway.dci_subscriptions set status = 'unsubscribe', ended_at = now() where code = $1`, [code]);
          statuses.push({ code, status: 'unsubscribe' });
        }
      }
      const answer = {
        transaction_id: message.data.transaction_id, correlation_id: correlationId, timestamp: isoNow(),
        status: problem && statuses.length === 0 ? 'rjct' : 'succ',
        ...(problem ? { status_reason_code: problem.code, status_reason_message: problem.message } : {}),
        subscription_status: statuses,
      };
      await this.recordTransaction(m, correlationId, envelope, 'unsubscribe', message.data.transaction_id, [{ reference_id: message.data.transaction_id, status: answer.status, status_reason_code: problem?.code, timestamp: answer.timestamp }]);
      await this.callbacks.enqueue(m, [{
        senderId: envelope.header.sender_id, kind: 'on-unsubscribe', url,
        header: this.callbackHeader(envelope, 'on-unsubscribe', { status: 'succ', total: message.data.subscription_codes.length, completed: message.data.subscription_codes.length }),
        message: answer,
      }]);
      caller.detail = { transactionId: message.data.transaction_id, unsubscribed: statuses.length };
    });
    return this.ack(correlationId);
  }

  /** POST /registry/sync/txn/status: how the requests of an earlier message stand. */
  async syncTxnStatus(body: unknown, caller: Caller) {
    const { envelope } = await this.authenticate(body, caller);
    const request = this.txnStatusMessage(envelope);
    const correlationId = randomUUID();
    const rejected = await this.headerProblem(envelope, 'txn-status', 1);
    if (rejected) return this.answer(envelope, 'txn-on-status', { transaction_id: request.transaction_id, correlation_id: correlationId, txnstatus_response: { txn_type: request.txnstatus_request.txn_type, txn_status: {} } }, { status: 'rjct', reason: rejected, total: 1, completed: 0 });
    const txnstatus = await this.txnStatus(envelope.header.sender_id, request);
    return this.answer(envelope, 'txn-on-status', { transaction_id: request.transaction_id, correlation_id: correlationId, txnstatus_response: txnstatus }, { status: 'succ', total: 1, completed: 1 });
  }

  /** POST /registry/txn/status: acknowledged, answered by txn/on-status. */
  async asyncTxnStatus(body: unknown, caller: Caller) {
    const { envelope, sender } = await this.authenticate(body, caller);
    const request = this.txnStatusMessage(envelope);
    const url = this.callbackUrl(sender, envelope, 'txn/on-status');
    const rejected = await this.headerProblem(envelope, 'txn-status', 1);
    if (rejected) return this.nack(rejected);
    const correlationId = randomUUID();
    const txnstatus = await this.txnStatus(envelope.header.sender_id, request);
    await this.callbacks.enqueue(this.db, [{
      senderId: envelope.header.sender_id, kind: 'txn/on-status', url,
      header: this.callbackHeader(envelope, 'txn-on-status', { status: 'succ', total: 1, completed: 1 }),
      message: { transaction_id: request.transaction_id, correlation_id: correlationId, txnstatus_response: txnstatus },
    }]);
    return this.ack(correlationId);
  }

  private txnStatusMessage(envelope: Envelope) {
    const message = TxnStatusMessage.safeParse(envelope.message);
    if (!message.success) throw new DciError(400, 'err.request.bad', `malformed txn status message: ${message.error.issues[0].path.join('.')}: ${message.error.issues[0].message}`);
    return message.data;
  }

  private async txnStatus(senderId: string, request: z.infer<typeof TxnStatusMessage>) {
    const r = request.txnstatus_request;
    const action = r.txn_type === 'subscribe' ? 'subscribe' : 'search';
    const value = r.attribute_value;
    const rows: Array<{ transaction_id: string; correlation_id: string; requests: Array<Record<string, unknown>> }> =
      r.attribute_type === 'correlation_id'
        ? typeof value === 'string' && /^[0-9a-f-]{36}$/i.test(value) ? await this.db.query('select * from gateway.dci_transactions where sender_id = $1 and correlation_id = $2 and action = $3', [senderId, value, action]) : []
        : r.attribute_type === 'transaction_id'
          ? await this.db.query('select * from gateway.dci_transactions where sender_id = $1 and transaction_id = $2 and action = $3 order by created_at', [senderId, String(value), action])
          : await this.db.query('select * from gateway.dci_transactions where sender_id = $1 and transaction_id = $2 and action = $3 order by created_at', [senderId, request.transaction_id, action]);
    const wanted = r.attribute_type === 'reference_id_list' && Array.isArray(value) ? new Set(value.map(String)) : null;
    const requests = rows.flatMap((t) => t.requests).filter((q) => !wanted || wanted.has(String(q.reference_id)));
    const key = action === 'subscribe' ? 'subscribe_response' : 'search_response';
    return {
      txn_type: r.txn_type,
      txn_status: { transaction_id: rows[0]?.transaction_id ?? request.transaction_id, correlation_id: rows[0]?.correlation_id ?? '', [key]: requests },
    };
  }

  private rejected(referenceId: string, code: string, message: string, locale?: string) {
    return { reference_id: referenceId, timestamp: isoNow(), status: 'rjct', status_reason_code: code, status_reason_message: message.slice(0, 999), locale: locale ?? 'eng' };
  }

  private async searchOne(item: SearchItem, grant: AgencyGrant, caller: Caller): Promise<{ code: string; message: string } | { records: unknown[]; response: Record<string, unknown> }> {
    let query: RegistryQuery;
    try {
      query = readCriteria(item.search_criteria);
    } catch (e) {
      if (e instanceof QueryProblem) return { code: e.code, message: e.message };
      throw e;
    }
    const refused = this.grantRefusal(query, grant);
    if (refused) return refused;
    const page = item.search_criteria.pagination ?? { page_size: MAX_PAGE_SIZE, page_number: 1 };
    const pageNumber = page.page_number ?? 1;
    if (!Number.isInteger(page.page_size) || page.page_size < 1 || page.page_size > MAX_PAGE_SIZE || !Number.isInteger(pageNumber) || pageNumber < 1 || pageNumber > 10_000) {
      return { code: 'rjct.pagination.invalid', message: `page_size 1 to ${MAX_PAGE_SIZE}, page_number from 1` };
    }
    const sort = item.search_criteria.sort ?? [];
    if (sort.some((s) => !SORTABLE[s.attribute_name] || query.entity === 'Member')) return { code: 'rjct.sort.invalid', message: `Group answers sort by ${Object.keys(SORTABLE).join(', ')}; Member answers by their family and person` };

    // Inside the agency's granted regions and the principal's scope, both.
    const params: unknown[] = [grant.regions.includes('ID') ? null : grant.regions, caller.scopeRegions()];
    const where = `f.state is not null and ${SCOPE_SQL('f.village_code', '$1')} and ${SCOPE_SQL('f.village_code', '$2')} and ${toSql(query.where, query.entity, params, (kind, v) => this.readModel.index(kind, v))}`;
    const from = query.entity === 'Member' ? `gateway.registry_families f cross join lateral jsonb_array_elements(f.state->'members') m` : 'gateway.registry_families f';
    const order = query.entity === 'Member' ? `f.family_id, m->>'personId'` : [...sort.map((s) => `${SORTABLE[s.attribute_name]} ${s.sort_order === 'desc' ? 'desc' : 'asc'}`), 'f.family_id'].join(', ');
    const [{ n }]: Array<{ n: string }> = await this.db.query(`select count(*) as n from ${from} where ${where}`, params);
    const total = Number(n);
    const rows: Array<{ state: StoredState; identity: string | null; person_id: string | null }> = await this.db.query(
      `select f.state, f.identity, ${query.entity === 'Member' ? `m->>'personId'` : 'null'} as person_id from ${from} where ${where} order by ${order} limit ${page.page_size} offset ${(pageNumber - 1) * page.page_size}`,
      params,
    );
    const records: Array<Record<string, unknown>> = [];
    for (const row of rows) {
      const family = projectFamily(await this.readModel.fromRow(row.state, row.identity), grant);
      if (!family) continue;
      if (query.entity === 'Group') {
        records.push(toDciGroup(family));
        caller.touched([family.familyId]);
      } else {
        const member = family.members?.find((x) => x.personId === row.person_id) ?? { personId: row.person_id! };
        records.push(toDciMember(member, family));
        caller.touched([member.personId]);
      }
    }
    return {
      records,
      response: {
        reference_id: item.reference_id,
        timestamp: isoNow(),
        status: 'succ',
        data: { version: '1.0.0', reg_type: 'ns:org:RegistryType:Social', reg_record_type: query.entity, reg_records: records },
        pagination: { page_size: page.page_size, page_number: pageNumber, total_count: total },
        locale: item.locale ?? 'eng',
      },
    };
  }

  /** The header of an answer or callback to the envelope's sender. */
  callbackHeader(request: Envelope, action: string, s: { status: 'succ' | 'rjct'; reason?: { code: string; message: string }; total: number; completed: number }) {
    return {
      version: '1.0.0',
      message_id: randomUUID(),
      message_ts: isoNow(),
      action,
      status: s.status,
      ...(s.reason ? { status_reason_code: s.reason.code, status_reason_message: s.reason.message } : {}),
      total_count: s.total,
      completed_count: s.completed,
      sender_id: this.signer.platformId,
      receiver_id: request.header.sender_id,
      is_msg_encrypted: false,
    };
  }

  /** A signed answer envelope (callback header) to the envelope's sender. */
  private answer(request: Envelope, action: string, message: Record<string, unknown>, s: { status: 'succ' | 'rjct'; reason?: { code: string; message: string }; total: number; completed: number }) {
    return this.signer.envelope(this.callbackHeader(request, action, s), message);
  }

  /** Why a query may not run under a grant: a region outside it, or an attribute it does not hold. */
  grantRefusal(query: RegistryQuery, grant: Pick<AgencyGrant, 'regions' | 'fields'>): { code: string; message: string } | null {
    const outside = regionsOutside(query, grant.regions);
    if (outside.length > 0) return { code: 'rjct.filter.invalid', message: `region ${outside.join(', ')} lies outside the regions granted to your agency` };
    const ungranted = ungrantedAttributes(query, grant.fields);
    if (ungranted.length > 0) return { code: 'rjct.search_criteria.invalid', message: `your grant does not include what ${ungranted.join(', ')} reads; it cannot be queried` };
    return null;
  }
}

const referenceOf = (raw: unknown) => (typeof (raw as { reference_id?: unknown })?.reference_id === 'string' ? (raw as { reference_id: string }).reference_id.slice(0, 99) : 'unknown');

/** The registry events a subscription can name (reg_event_type; a namespaced form ends with one). */
export const SUBSCRIBABLE_EVENTS = ['REGISTER', 'UPDATE', 'NewHouseHoldMember', 'ANY'] as const;

function readEventTypes(raw: string): string[] | null {
  const name = raw.split(':').pop()!.trim().toLowerCase();
  const found = SUBSCRIBABLE_EVENTS.find((e) => e.toLowerCase() === name);
  if (!found) return null;
  // An update is any change after registration, a member added included.
  if (found === 'ANY') return ['REGISTER', 'UPDATE', 'NewHouseHoldMember'];
  return found === 'UPDATE' ? ['UPDATE', 'NewHouseHoldMember'] : [found];
}
