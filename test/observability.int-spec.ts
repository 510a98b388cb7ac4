import { TOPICS, type FamilyRecord } from '@satupintu/contracts';
import { generateFamilies } from '@satupintu/synthetic';
import { authFetch, eventually, parsePrometheus, produce, select, submit, TestStack, total, type Sample, type ServiceName } from '@satupintu/testing';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const SERVICES: ServiceName[] = ['gateway', 'validation', 'dedup', 'aggregation', 'eligibility', 'subscriptions'];
const CONSUMED: Record<Exclude<ServiceName, 'gateway'>, string> = {
  validation: TOPICS.familySubmitted,
  dedup: TOPICS.familyValidated,
  aggregation: TOPICS.familyChanged,
  eligibility: TOPICS.familyChanged,
  subscriptions: TOPICS.familyChanged,
};

interface OtlpSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
}

/** A stand-in OpenTelemetry collector: accepts OTLP/HTTP JSON on /v1/traces and keeps the spans. */
async function startCollector(): Promise<{ server: Server; url: string; spans: OtlpSpan[] }> {
  const spans: OtlpSpan[] = [];
  const hex = (v: string) => (/^[0-9a-f]+$/.test(v) ? v : Buffer.from(v, 'base64').toString('hex'));
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        resourceSpans: Array<{ resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> }; scopeSpans: Array<{ spans: Array<{ traceId: string; spanId: string; parentSpanId?: string; name: string }> }> }>;
      };
      for (const rs of body.resourceSpans ?? []) {
        const service = rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '?';
        for (const ss of rs.scopeSpans) {
          for (const s of ss.spans) spans.push({ service, traceId: hex(s.traceId), spanId: hex(s.spanId), parentSpanId: s.parentSpanId ? hex(s.parentSpanId) : '', name: s.name });
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans };
}

/**
 * Every service's /metrics after a workload (valid, invalid and duplicate families and a poison
 * message): the metrics ops rely on are there with values that agree with each other and with the
 * work done, and no label value looks like personal data. Tracing is on in this stack, and one
 * submission's trace is followed through every service.
 */
describe('observability: metrics and traces of every service', () => {
  const stack = new TestStack('obs');
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let gateway: string;
  const { records } = generateFamilies({ count: 150, villages: ['31.71.01.1001', '31.71.01.1002', '31.71.02.1001'], seed: 909, errorRate: 0.05, duplicateRate: 0.1 });
  /** The input as families (a broken record may lack fields; it is only scanned for values). */
  const inputFamilies = records.map((r) => r.family as Partial<FamilyRecord>);
  const scrape = async (name: ServiceName): Promise<Sample[]> => {
    const res = await fetch(`${stack.services.get(name)!.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    return parsePrometheus(await res.text());
  };

  beforeAll(async () => {
    collector = await startCollector();
    await stack.setUp();
    const tracing = { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: collector.url };
    gateway = (await stack.start('gateway', { extraEnv: tracing })).url;
    await Promise.all(SERVICES.slice(1).map((s) => stack.start(s, { extraEnv: tracing })));
  });

  afterAll(async () => {
    await stack.tearDown();
    await new Promise((r) => collector?.server.close(r));
  });

  it('counts the workload consistently in every service, with no personal data in labels', async () => {
    let accepted = 0;
    const posts = 3;
    for (let i = 0; i < posts; i++) {
      const res = await submit(gateway, records.slice(i * 50, (i + 1) * 50));
      expect(res.status).toBe(202);
      accepted += res.body.records.filter((r) => r.status === 'accepted').length;
    }
    await produce(stack, TOPICS.familySubmitted, [{ key: 'poison', value: '{"not json' }]);
    // Paths that hold a NIK-shaped value: the label is the route template or "unmatched".
    const nikLike = inputFamilies.flatMap((f) => f.members ?? []).find((m) => m.nik)?.nik ?? '3171014101900001';
    expect((await authFetch(`${gateway}/v1/families/${nikLike}`)).status).toBeGreaterThanOrEqual(400);
    expect((await fetch(`${gateway}/no-such-path/${nikLike}`)).status).toBe(404);

    await eventually(async () => {
      const r = await stack.db.query(`select count(*) filter (where status in ('registered', 'rejected')) as done from gateway.submission_records`);
      return Number(r.rows[0].done) === accepted;
    }, 180_000, 500);
    // The downstream consumers have caught up when their lag is 0 and they consumed what dedup produced.
    const byService = new Map<ServiceName, Sample[]>();
    await eventually(async () => {
      for (const s of SERVICES) byService.set(s, await scrape(s));
      const changed = total(byService.get('dedup')!, 'satupintu_producer_messages_total', { topic: TOPICS.familyChanged });
      return (
        changed > 0 &&
        (['aggregation', 'eligibility', 'subscriptions'] as const).every((s) => total(byService.get(s)!, 'satupintu_consumer_messages_total', { topic: TOPICS.familyChanged }) === changed) &&
        SERVICES.every((s) => total(byService.get(s)!, 'satupintu_consumer_lag_messages') === 0 && total(byService.get(s)!, 'satupintu_outbox_backlog_rows') === 0)
      );
    }, 120_000, 1_000);
    const m = (s: ServiceName) => byService.get(s)!;

    // Every service: process, HTTP, database pool, producer and consumer families.
    for (const s of SERVICES) {
      const samples = m(s);
      expect(total(samples, 'process_resident_memory_bytes')).toBeGreaterThan(10e6);
      expect(select(samples, 'satupintu_http_requests_total', { route: '/health/ready', status_code: '200' }).length).toBe(1);
      if (s !== 'validation') {
        // Validation keeps no database. Idle connections close after 10 s, so a pool may be empty now.
        expect(select(samples, 'satupintu_db_pool_connections').map((x) => x.labels.state).sort()).toEqual(['idle', 'total', 'waiting']);
        const pool = total(samples, 'satupintu_db_pool_connections', { state: 'total' });
        expect(pool).toBeLessThanOrEqual(total(samples, 'satupintu_db_pool_max_connections'));
        expect(total(samples, 'satupintu_db_pool_connections', { state: 'idle' })).toBeLessThanOrEqual(pool);
        expect(total(samples, 'satupintu_db_pool_max_connections')).toBe(10);
        expect(total(samples, 'satupintu_outbox_published_total')).toBe(total(samples, 'satupintu_outbox_relay_delay_seconds_count'));
        expect(select(samples, 'satupintu_outbox_backlog_rows').length).toBe(1);
      }
      const lag = select(samples, 'satupintu_consumer_lag_messages');
      expect(lag.length).toBeGreaterThan(0);
      for (const l of lag) expect(['0', '1', '2']).toContain(l.labels.partition);
      const batches = total(samples, 'satupintu_consumer_batches_total');
      expect(batches).toBeGreaterThan(0);
      expect(batches).toBeLessThanOrEqual(total(samples, 'satupintu_consumer_messages_total'));
      expect(total(samples, 'satupintu_consumer_batch_duration_seconds_count')).toBe(batches);
      expect(total(samples, 'satupintu_consumer_batch_duration_seconds_sum')).toBeGreaterThan(0);
    }
    for (const [s, topic] of Object.entries(CONSUMED) as Array<[ServiceName, string]>) {
      expect(total(m(s), 'satupintu_consumer_messages_total', { topic })).toBeGreaterThan(0);
      expect(select(m(s), 'satupintu_consumer_lag_messages', { topic }).length).toBe(3);
    }

    // The gateway answered every post with 202, and the two probing requests under safe labels.
    expect(total(m('gateway'), 'satupintu_http_requests_total', { method: 'POST', route: '/v1/submissions', status_code: '202' })).toBe(posts);
    expect(total(m('gateway'), 'satupintu_http_request_duration_seconds_count', { method: 'POST', route: '/v1/submissions' })).toBe(posts);
    expect(total(m('gateway'), 'satupintu_http_requests_total', { route: 'unmatched', status_code: '404' })).toBeGreaterThanOrEqual(1);
    expect(total(m('gateway'), 'satupintu_producer_messages_total', { topic: TOPICS.familySubmitted })).toBe(accepted);

    // Validation: every accepted record and the poison message consumed; the poison dead-lettered.
    const v = m('validation');
    expect(total(v, 'satupintu_consumer_messages_total', { topic: TOPICS.familySubmitted })).toBe(accepted + 1);
    expect(total(v, 'satupintu_consumer_dead_lettered_total', { topic: TOPICS.familySubmitted, reason: 'MALFORMED_JSON' })).toBe(1);
    const validated = total(v, 'satupintu_producer_messages_total', { topic: TOPICS.familyValidated });
    const rejected = total(v, 'satupintu_producer_messages_total', { topic: TOPICS.familyRejected });
    expect(validated + rejected).toBe(accepted);
    expect(rejected).toBeGreaterThan(0);
    expect(total(v, 'satupintu_producer_messages_total', { topic: 'dlq.validation.v1' })).toBe(1);

    // Dedup consumed what validation produced, published it through its outbox, and registered each family once.
    expect(total(m('dedup'), 'satupintu_outbox_published_total')).toBeGreaterThan(validated);
    expect(total(m('dedup'), 'satupintu_outbox_relay_delay_seconds_sum')).toBeGreaterThan(0);
    expect(total(m('dedup'), 'satupintu_consumer_messages_total', { topic: TOPICS.familyValidated })).toBe(validated);
    const families = Number((await stack.db.query('select count(*) from registry.families')).rows[0].count);
    expect(total(m('dedup'), 'satupintu_producer_messages_total', { topic: TOPICS.familyChanged })).toBeGreaterThanOrEqual(families);
    expect(total(m('dedup'), 'satupintu_consumer_dead_lettered_total')).toBe(0);

    // No label value anywhere is a NIK, a KK or a name from the input.
    const members = inputFamilies.flatMap((f) => f.members ?? []);
    const nameTokens = new Set(members.flatMap((p) => String(p.name ?? '').toLowerCase().split(/[^a-z']+/).filter((t) => t.length >= 3)));
    const numbers = new Set([...inputFamilies.map((f) => String(f.kk ?? '')), ...members.map((p) => p.nik ?? '')].filter(Boolean));
    expect(nameTokens.size).toBeGreaterThan(100);
    expect(numbers.size).toBeGreaterThan(300);
    for (const s of SERVICES) {
      for (const sample of m(s)) {
        for (const value of Object.values(sample.labels)) {
          expect(value).not.toMatch(/\d{16}/);
          for (const run of value.match(/\d{6,}/g) ?? []) expect(numbers.has(run)).toBe(false);
          for (const token of value.toLowerCase().split(/[^a-z']+/)) expect(nameTokens.has(token) ? `${s}: ${sample.name} ${value}` : null).toBeNull();
        }
      }
    }
  }, 360_000);

  it('follows one submission through the gateway, Kafka and every service in one trace', async () => {
    const traceId = randomBytes(16).toString('hex');
    const one = generateFamilies({ count: 1, villages: ['31.71.03.1001'], seed: 4242, errorRate: 0, duplicateRate: 0 }).records;
    const res = await submit(gateway, one, undefined, { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` });
    expect(res.status).toBe(202);
    const spans = await eventually(() => {
      const mine = collector.spans.filter((s) => s.traceId === traceId);
      const services = new Set(mine.map((s) => s.service));
      return SERVICES.every((s) => services.has(s)) ? mine : undefined;
    }, 120_000, 500);
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const http = spans.find((s) => s.service === 'gateway' && s.name === 'POST /v1/submissions');
    expect(http).toBeDefined();
    // The chain: gateway request -> validation -> dedup -> each consumer of the registry's change.
    const parentService = (s: OtlpSpan) => byId.get(s.parentSpanId)?.service;
    const validation = spans.find((s) => s.service === 'validation' && s.name === `process ${TOPICS.familySubmitted}`)!;
    expect(validation.parentSpanId).toBe(http!.spanId);
    const dedup = spans.find((s) => s.service === 'dedup' && s.name === `process ${TOPICS.familyValidated}`)!;
    expect(parentService(dedup)).toBe('validation');
    for (const s of ['aggregation', 'eligibility', 'subscriptions']) {
      const span = spans.find((x) => x.service === s && x.name === `process ${TOPICS.familyChanged}`);
      expect(span && parentService(span)).toBe('dedup');
    }
  }, 180_000);
});
