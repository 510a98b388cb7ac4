import { eventually, family, parsePrometheus, submit, TestStack, total } from '@satupintu/testing';
import { request, type ClientRequest } from 'node:http';

/**
 * Load shedding on the real stack: a gateway allowed two requests in flight. Two uploads that
 * never finish their body hold both places; the next request is refused at once with 503
 * OVERLOADED and Retry-After (its body is not read), probes still answer, and once the uploads
 * finish everything the clients retried is accepted and registered exactly once.
 */
describe('gateway load shedding', () => {
  const stack = new TestStack('shedding');
  let gateway: string;
  const registered = async () => Number((await stack.db.query('select count(*)::int as n from registry.families')).rows[0].n);

  beforeAll(async () => {
    await stack.setUp();
    gateway = (await stack.start('gateway', { extraEnv: { SHED_MAX_IN_FLIGHT: '2' } })).url;
    await stack.start('validation');
    await stack.start('dedup');
  });
  /** Uploads still open when a test fails are cut, so that the gateway can stop. */
  const open: ClientRequest[] = [];
  afterAll(async () => {
    for (const req of open) req.destroy();
    await stack.tearDown();
  });

  /** A submission whose body is sent in two halves: the request stays in flight until `finish`. */
  function slowUpload(records: unknown[]): { finish: () => void; answer: Promise<{ status: number; body: string }> } {
    const body = Buffer.from(JSON.stringify({ records }));
    const url = new URL(`${gateway}/v1/submissions`);
    let req!: ClientRequest;
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': body.length, authorization: `Bearer ${stack.adminKey}` } }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
    });
    open.push(req);
    answer.catch(() => undefined); // cut in afterAll only when the test has already failed
    req.write(body.subarray(0, 10));
    return { finish: () => req.end(body.subarray(10)), answer };
  }

  it('refuses the request past its bound with 503 OVERLOADED and Retry-After, then takes every retried record once', async () => {
    const held = [slowUpload([{ idempotencyKey: 'held-1', family: family() }]), slowUpload([{ idempotencyKey: 'held-2', family: family() }])];
    const third = { idempotencyKey: 'third', family: family() };
    // The uploads connect asynchronously: wait until the gateway counts both before asking a third time.
    await eventually(async () => total(parsePrometheus(await (await fetch(`${gateway}/metrics`)).text()), 'satupintu_http_in_flight_requests') >= 2, 10_000, 100);
    const refused = await submit(gateway, [third]);
    expect(refused.status).toBe(503);
    expect((refused.body as unknown as { error: { code: string } }).error.code).toBe('OVERLOADED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(3);
    // Probes and the scrape are never shed: the orchestrator sees a busy gateway, not a dead one.
    expect((await fetch(`${gateway}/health/live`)).status).toBe(200);
    expect((await fetch(`${gateway}/health/ready`)).status).toBe(200);
    const metrics = parsePrometheus(await (await fetch(`${gateway}/metrics`)).text());
    expect(total(metrics, 'satupintu_http_shed_total', { reason: 'in-flight' })).toBeGreaterThanOrEqual(1);

    for (const h of held) h.finish();
    for (const h of held) expect((await h.answer).status).toBe(202);
    const retried = await eventually(async () => {
      const res = await submit(gateway, [third]);
      return res.status === 202 ? res : undefined;
    }, 10_000, 200);
    expect(retried.body.records[0].status).toBe('accepted');
    await eventually(async () => (await registered()) === 3, 60_000, 250);
  });

  it('a burst of 40 clients retrying on 503: every record accepted once, no 500', async () => {
    const before = await registered();
    const statuses: number[] = [];
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const record = { idempotencyKey: `burst-${i}`, family: family() };
        for (;;) {
          const res = await submit(gateway, [record]);
          statuses.push(res.status);
          if (res.status !== 503) {
            expect(res.status).toBe(202);
            expect(res.body.records[0].status).toBe('accepted');
            return;
          }
          await new Promise((r) => setTimeout(r, 50 + Math.random() * 200)); // faster than Retry-After, to keep the test short
        }
      }),
    );
    expect(statuses.filter((s) => s === 202)).toHaveLength(40);
    expect(statuses.every((s) => s === 202 || s === 503)).toBe(true);
    await eventually(async () => (await registered()) === before + 40, 60_000, 250);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await registered()).toBe(before + 40);
  });
});
