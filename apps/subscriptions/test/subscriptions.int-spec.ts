import { AGENCY_CLOUD_EVENT_TYPES, AgencyFamilyEventV1, agencyTopics, TOPICS, WEBHOOK_HEADERS, type FamilyRecord } from '@satupintu/contracts';
import { regionCovered, verifyWebhook } from '@satupintu/domain';
import { agencyAcls, AgencySubscriber, applyAcls, createKafka, readToEnd, removeAcls, type AgencyMessage } from '@satupintu/kafka';
import { createLogger } from '@satupintu/observability';
import { generateFamilies } from '@satupintu/synthetic';
import { authFetch, eventually, kafkaCredentials, ROOT, submit, TestStack } from '@satupintu/testing';
import type { Kafka } from 'kafkajs';
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join as join_ } from 'node:path';

jest.setTimeout(600_000);

const A = 'dinsos';
const B = 'dinkes';
const VILLAGES = ['31.71.01.1001', '31.71.01.1002', '31.71.02.1001', '31.71.03.1001', '31.01.01.1001'];
const GRANT_A1 = { eventTypes: ['family.changed'], fields: ['attributes.welfareDecile', 'members.attributes.disability', 'members.birthDate', 'members.sex'], regions: ['31.71.01'], purpose: 'social-protection' };
const GRANT_A2 = { ...GRANT_A1, fields: ['members.attributes.disability', 'members.birthDate', 'members.sex'], regions: ['31.71.01', '31.71.03.1001'] };

interface Accepted { id: string; type: string; subject: string; sequence?: number }

/**
 * Agency subscriptions on the real stack: the grant decides every field and region an agency's
 * topics carry; the broker keeps agencies apart; a snapshot bootstrap ends where a follower ends;
 * webhooks are signed, retried, dead-lettered and redelivered in order.
 */
describe('agency subscriptions', () => {
  const stack = new TestStack('subs');
  let gateway: string;
  let kafkaA: Kafka;
  let kafkaB: Kafka;
  let receiver: Server;
  let webhookSecret = '';
  let outage = false;
  let badSignatures = 0;
  const accepted: Accepted[] = [];
  const grantFields = new Map<number, { fields: string[]; regions: string[] }>();
  const records: Array<{ idempotencyKey: string; family: FamilyRecord }> = [];
  let follower: AgencySubscriber;
  let bootstrapped: AgencySubscriber;
  const topicsA = () => ({ changes: stack.topic(agencyTopics(A).changes), snapshot: stack.topic(agencyTopics(A).snapshot) });
  const topicsB = () => ({ changes: stack.topic(agencyTopics(B).changes), snapshot: stack.topic(agencyTopics(B).snapshot) });

  const agencyKafka = (agency: string) => {
    const user = `agency-${agency}`;
    const made = spawnSync(join_(ROOT, 'tools/stack/infra.sh'), ['kafka-user', user], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(made.stderr);
    const sasl = kafkaCredentials(user);
    return createKafka({ ...stack.kafkaSettings, clientId: `${user}-test`, sasl }, createLogger('test', 'fatal'));
  };

  const lagOf = async (group: string, topics: string[]) => {
    const admin = stack.kafka.admin();
    await admin.connect();
    try {
      let lag = 0;
      for (const t of topics) {
        const ends = await admin.fetchTopicOffsets(stack.topic(t));
        const [committed] = await admin.fetchOffsets({ groupId: stack.topic(group), topics: [stack.topic(t)] });
        for (const e of ends) {
          const c = committed?.partitions.find((p) => p.partition === e.partition);
          lag += Number(e.high) - Math.max(0, Number(c?.offset ?? 0));
        }
      }
      return lag;
    } finally {
      await admin.disconnect();
    }
  };
  /** Every service has consumed everything (twice in a row, a second apart). */
  const settled = async () => {
    let quiet = 0;
    await eventually(async () => {
      const lag =
        (await lagOf('validation', [TOPICS.familySubmitted])) + (await lagOf('dedup', [TOPICS.familyValidated])) +
        (await lagOf('eligibility', [TOPICS.familyChanged])) + (await lagOf('subscriptions', [TOPICS.familyChanged, TOPICS.eligibilityDecisionChanged, TOPICS.grantChanged]));
      quiet = lag === 0 ? quiet + 1 : 0;
      return quiet >= 3;
    }, 240_000, 1000);
  };
  const putGrant = async (agency: string, body: object) => {
    const res = await authFetch(`${gateway}/v1/admin/agencies/${agency}/grant`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBeLessThan(300);
    return (await res.json()) as { version: number; fields: string[]; regions: string[]; webhookSecret?: string };
  };
  const send = async (batch: Array<{ idempotencyKey: string; family: FamilyRecord }>) => {
    for (let i = 0; i < batch.length; i += 100) expect((await submit(gateway, batch.slice(i, i + 100))).status).toBe(202);
  };

  beforeAll(async () => {
    await stack.setUp();
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const attempt = Number(req.headers[WEBHOOK_HEADERS.attempt]);
        if (outage) return void res.writeHead(503).end();
        if (attempt === 1) return void res.writeHead(500).end(); // fails every delivery's first attempt...
        if (attempt === 2) return void req.socket.destroy(); // ...and drops the connection on the second
        const body = Buffer.concat(chunks).toString('utf8');
        const sig = req.headers[WEBHOOK_HEADERS.signature] as string | undefined;
        const ts = req.headers[WEBHOOK_HEADERS.timestamp] as string | undefined;
        if (!verifyWebhook(webhookSecret, sig, ts, body, Math.floor(Date.now() / 1000))) {
          badSignatures += 1;
          return void res.writeHead(401).end();
        }
        const event = JSON.parse(body) as { id: string; type: string; subject: string; data: { sequence?: number } };
        accepted.push({ id: event.id, type: event.type, subject: event.subject, sequence: event.data.sequence });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const port = (receiver.address() as { port: number }).port;

    gateway = (await stack.start('gateway')).url;
    await Promise.all([stack.start('validation'), stack.start('dedup'), stack.start('eligibility')]);
    await stack.start('subscriptions', {
      extraEnv: { WEBHOOK_RETRY_BASE_MS: '50', WEBHOOK_RETRY_MAX_MS: '400', WEBHOOK_MAX_ATTEMPTS: '4', WEBHOOK_POLL_MS: '50', WEBHOOK_STATUS_INTERVAL_MS: '300' },
    });

    const a = await putGrant(A, GRANT_A1);
    grantFields.set(a.version, a);
    const b = await putGrant(B, { eventTypes: ['family.changed', 'eligibility.decision-changed'], fields: ['members.attributes.measurement', 'members.birthDate', 'members.nik'], regions: ['31.71.02', '31.71.03.1001'], purpose: 'health', webhook: { url: `http://127.0.0.1:${port}/hooks/satupintu` } });
    webhookSecret = b.webhookSecret ?? '';
    expect(webhookSecret).toMatch(/^whsec_/);

    // Each agency's Kafka user, allowed its own topics and groups only (what `sp agency kafka-access` does).
    await applyAcls(stack.kafka, [...agencyAcls(stack.kafkaSettings, A), ...agencyAcls(stack.kafkaSettings, B)]);
    kafkaA = agencyKafka(A);
    kafkaB = agencyKafka(B);
    const admin = stack.kafka.admin();
    await admin.connect();
    await eventually(async () => {
      const topics = await admin.listTopics();
      return [topicsA().changes, topicsA().snapshot, topicsB().changes].every((t) => topics.includes(t));
    }, 60_000, 250);
    await admin.disconnect();

    // A subscriber of agency A that follows its changes topic from the start, with A's credentials.
    follower = new AgencySubscriber(kafkaA, topicsA());
    await follower.follow(stack.topic(`agency.${A}.follower`), 'earliest');

    // Phase 1: families across both agencies' regions and outside them, with duplicates and invalid records.
    const generated = generateFamilies({ count: 150, villages: VILLAGES, seed: 7007, keyPrefix: 'subs1', duplicateRate: 0.1, errorRate: 0.05 });
    records.push(...(generated.records as never[]));
    await send(records);
    await settled();

    // Phase 2, while a second subscriber bootstraps from the snapshot: changes inside and outside the
    // grants, moves between regions, a narrower grant for A, and a receiver outage for B's webhook.
    outage = true;
    const a2 = await putGrant(A, GRANT_A2);
    grantFields.set(a2.version, a2);
    const valid = records.filter((r) => /^\d{16}$/.test(r.family.kk)).slice(0, 60);
    const changes = valid.map((r, i) => {
      const f: FamilyRecord = JSON.parse(JSON.stringify(r.family));
      if (i % 4 === 0) f.welfareDecile = ((f.welfareDecile ?? 5) % 10) + 1; // granted to A in version 1 only
      if (i % 4 === 1) f.members[0] = { ...f.members[0], name: `${f.members[0].name} Baru` }; // granted to nobody
      if (i % 4 === 2) f.address = { ...f.address, villageCode: VILLAGES[(VILLAGES.indexOf(f.address.villageCode) + 1) % VILLAGES.length] };
      if (i % 4 === 3 && f.members.length > 1) f.members = f.members.slice(0, -1);
      return { idempotencyKey: `subs2-${i}`, family: f };
    });
    const sending = send(changes);
    bootstrapped = new AgencySubscriber(kafkaA, topicsA());
    await bootstrapped.bootstrap(stack.topic(`agency.${A}.bootstrap`));
    await sending;
    await settled();
  });

  afterAll(async () => {
    await follower?.stop();
    await bootstrapped?.stop();
    await removeAcls(stack.kafka, [...agencyAcls(stack.kafkaSettings, A), ...agencyAcls(stack.kafkaSettings, B)]).catch(() => undefined);
    receiver?.close();
    await stack.tearDown();
  });

  it("carries no field and no region outside the agency's grant, on its changes and snapshot topics", async () => {
    const messages: AgencyMessage[] = [
      ...(await readToEnd(stack.kafka, topicsA().changes, stack.topic('scan-a-changes'))),
      ...(await readToEnd(stack.kafka, topicsA().snapshot, stack.topic('scan-a-snapshot'))),
    ];
    const familyEvents = messages.filter((m) => m.type === AGENCY_CLOUD_EVENT_TYPES.familyUpserted || m.type === AGENCY_CLOUD_EVENT_TYPES.familyRemoved);
    expect(familyEvents.length).toBeGreaterThan(20);
    const secrets = records.flatMap((r) => [r.family.kk, ...r.family.members.flatMap((m) => [m.nik, m.name])]).filter((s): s is string => typeof s === 'string' && s.length >= 6);
    let withGrantedValue = 0;
    for (const m of familyEvents) {
      if (m.data === null) continue; // a snapshot tombstone
      const e = AgencyFamilyEventV1.parse(m.data); // strict: an unknown key fails here
      const grant = grantFields.get(e.grantVersion)!;
      expect(grant).toBeDefined();
      const allowed = new Set(grant.fields);
      expect(e.changedFields.every((f) => f === 'region' || f === 'members' || allowed.has(f))).toBe(true);
      if (!e.family) continue;
      expect(regionCovered(grant.regions, e.family.region.villageCode)).toBe(true);
      for (const k of Object.keys(e.family)) expect(['familyId', 'region', 'attributes', 'members']).toContain(k);
      for (const k of Object.keys(e.family.attributes ?? {})) expect(allowed.has(`attributes.${k}`)).toBe(true);
      for (const member of e.family.members ?? []) {
        for (const k of Object.keys(member)) if (k !== 'personId' && k !== 'attributes') expect(allowed.has(`members.${k}`)).toBe(true);
        for (const k of Object.keys(member.attributes ?? {})) expect(allowed.has(`members.attributes.${k}`)).toBe(true);
        if (member.birthDate) withGrantedValue += 1;
      }
      const raw = JSON.stringify(m.data);
      for (const s of secrets) if (raw.includes(s)) throw new Error('an ungranted identifier or name reached the agency topic');
    }
    expect(withGrantedValue).toBeGreaterThan(0);
    // The narrower grant (version 2) removed the welfare decile from every view held in the snapshot.
    const snapshot = await readToEnd(stack.kafka, topicsA().snapshot, stack.topic('scan-a-snapshot-2'));
    const last = new Map(snapshot.map((m) => [m.key, m.data]));
    for (const data of last.values()) if (data) expect(JSON.stringify(data)).not.toContain('welfareDecile');
  });

  it("refuses agency A's credentials on agency B's topic and group, and on platform topics; A reads its own", async () => {
    await expect(readToEnd(kafkaA, topicsB().changes, stack.topic(`agency.${A}.peek`))).rejects.toThrow(/authoriz/i);
    await expect(readToEnd(kafkaA, stack.topic(TOPICS.familyChanged), stack.topic(`agency.${A}.peek2`))).rejects.toThrow(/authoriz/i);
    // Joining a consumer group: A's own group works, B's is refused by the broker. kafkajs reports the
    // refused FindCoordinator as "coordinator not found"; the broker's authorizer log names the denial.
    const join = async (group: string) => {
      const consumer = kafkaA.consumer({ groupId: stack.topic(group), retry: { retries: 0, restartOnFailure: async () => false } });
      const outcome = new Promise<string>((resolve) => {
        consumer.on(consumer.events.CRASH, (e) => resolve(String(e.payload.error)));
        consumer.on(consumer.events.GROUP_JOIN, () => resolve('joined'));
      });
      await consumer.connect();
      await consumer.subscribe({ topics: [topicsA().changes], fromBeginning: true });
      await consumer.run({ eachMessage: async () => undefined });
      const result = await outcome;
      await consumer.disconnect();
      return result;
    };
    expect(await join(`agency.${A}.mine`)).toBe('joined');
    expect(await join(`agency.${B}.stolen`)).toMatch(/coordinator|authoriz/i);
    const authorizerLog = join_(process.env.SATUPINTU_LOCAL_DIR ?? join_(ROOT, '.local'), 'logs', 'kafka-authorizer.log');
    await eventually(() => readFileSync(authorizerLog, 'utf8').includes(`Principal = User:agency-${A} is Denied operation = DESCRIBE`) && readFileSync(authorizerLog, 'utf8').includes(`Group:LITERAL:${stack.topic(`agency.${B}.stolen`)}`), 10_000, 200);
    expect((await readToEnd(kafkaA, topicsA().snapshot, stack.topic(`agency.${A}.own`))).length).toBeGreaterThan(0);
    expect((await readToEnd(kafkaB, topicsB().snapshot, stack.topic(`agency.${B}.own`))).length).toBeGreaterThan(0);
  });

  it('bootstraps a new subscriber from the snapshot to exactly the state of one that followed from the start', async () => {
    const state = (s: AgencySubscriber) => Object.fromEntries(s.families);
    expect(follower.families.size).toBeGreaterThan(10);
    expect(state(bootstrapped)).toEqual(state(follower));
    const snapshot = await readToEnd(stack.kafka, topicsA().snapshot, stack.topic('snap-compare'));
    const fromSnapshot = new Map<string, unknown>();
    for (const m of snapshot) {
      if (!m.key) continue;
      if (m.data) fromSnapshot.set(m.key, (m.data as AgencyFamilyEventV1).family);
      else fromSnapshot.delete(m.key);
    }
    expect(Object.fromEntries(fromSnapshot)).toEqual(Object.fromEntries([...follower.families].map(([k, v]) => [k, v.family])));
  });

  it('delivers every webhook event once, in order per family, through failures, dead letters and a redelivery', async () => {
    const status = async () => ((await (await authFetch(`${gateway}/v1/admin/agencies/${B}/webhook`)).json()) as { delivery: { pending: number; deadLettered: number; delivered: number } | null }).delivery;
    // The outage dead-lettered phase 2's deliveries; the admin sees them and asks for a redelivery.
    // Later deliveries of a family wait behind its dead-lettered one, so wait until nothing moves.
    let last = '';
    let still = 0;
    await eventually(async () => {
      const s = await status();
      const now = JSON.stringify(s);
      still = now === last ? still + 1 : 0;
      last = now;
      return (s?.deadLettered ?? 0) > 0 && still >= 3;
    }, 120_000, 1000);
    outage = false;
    const res = await authFetch(`${gateway}/v1/admin/agencies/${B}/webhook/redeliver`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(202);
    await eventually(async () => {
      const s = await status();
      return s !== null && s.deadLettered === 0 && s.pending === 0;
    }, 180_000, 300);

    const onTopic = (await readToEnd(stack.kafka, topicsB().changes, stack.topic('scan-b'))).filter((m) => m.type !== AGENCY_CLOUD_EVENT_TYPES.grantChanged);
    expect(onTopic.length).toBeGreaterThan(10);
    expect(badSignatures).toBe(0);
    const ids = accepted.map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length); // once each
    expect([...ids].sort()).toEqual(onTopic.map((m) => m.id as string).sort()); // every event
    const seqs = new Map<string, number[]>();
    for (const a of accepted.filter((x) => x.sequence !== undefined)) seqs.set(a.subject, [...(seqs.get(a.subject) ?? []), a.sequence as number]);
    for (const list of seqs.values()) expect(list).toEqual(list.map((_, i) => i + 1)); // in order, none missing
  });
});
