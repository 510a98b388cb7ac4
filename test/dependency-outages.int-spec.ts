import { authFetch, eventually, family, parsePrometheus, SERVERS, submit, TcpLink, TestStack, total } from '@satupintu/testing';

/**
 * Dependencies that go away, on the real servers: each service under test reaches PostgreSQL or
 * Redis through a TCP link the test cuts (open connections reset, new ones refused, as when the
 * server dies) and restores. The classification is @satupintu/faults: an unavailable dependency is
 * transient, so the API answers 503 with Retry-After and a consumer waits with its batch, never
 * dead-letters it.
 */
describe('dependency outages', () => {
  const stack = new TestStack('outages');
  const pg = TcpLink.to(SERVERS.databaseUrl);
  const redis = TcpLink.to(SERVERS.redisUrl);
  let gateway: string;
  let dedupMetrics: string;

  const families = async () => Number((await stack.db.query('select count(*)::int as n from registry.families')).rows[0].n);
  const metric = async (url: string, name: string, labels: Record<string, string> = {}) => total(parsePrometheus(await (await fetch(`${url}/metrics`)).text()), name, labels);

  beforeAll(async () => {
    await stack.setUp();
    await pg.restore();
    await redis.restore();
    // The gateway's database and dedup's Redis go through the links; everything else is direct.
    gateway = (await stack.start('gateway', { extraEnv: { DATABASE_URL: pg.through(stack.databaseUrlsOf('gateway').DATABASE_URL) } })).url;
    await stack.start('validation');
    dedupMetrics = (await stack.start('dedup', { extraEnv: { REDIS_URL: redis.through(SERVERS.redisUrl) } })).url;
  });

  afterAll(async () => {
    await pg.restore();
    await redis.restore();
    await stack.tearDown();
    await pg.cut();
    await redis.cut();
  });

  it('PostgreSQL down: the gateway answers 503 UNAVAILABLE with Retry-After, never 500, and takes the records once it is back', async () => {
    await pg.cut();
    const record = { idempotencyKey: 'outage-1', family: family() };
    const answers: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await submit(gateway, [record]);
      answers.push(res.status);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect((res.body as unknown as { error: { code: string; errorId: string } }).error).toMatchObject({ code: 'UNAVAILABLE', errorId: expect.any(String) });
    }
    const read = await authFetch(`${gateway}/v1/submissions?limit=1`);
    expect(read.status).toBe(503);
    // The gateway says it is not ready (load balancers stop sending it work) but stays alive.
    expect((await fetch(`${gateway}/health/ready`)).status).toBe(503);
    expect((await fetch(`${gateway}/health/live`)).status).toBe(200);

    await pg.restore();
    // A client retrying on 503 gets its record in, once.
    const accepted = await eventually(async () => {
      const res = await submit(gateway, [record]);
      return res.status === 202 ? res : undefined;
    }, 60_000, 500);
    expect(accepted.body.records[0]).toMatchObject({ status: 'accepted' });
    await eventually(async () => (await families()) === 1, 60_000, 250);
    expect(await metric(gateway, 'satupintu_http_requests_total', { status_code: '500' })).toBe(0);
  });

  it('Redis down for longer than its command retries: dedup dead-letters nothing, keeps its partitions and registers the batch when Redis is back', async () => {
    const before = await families();
    await redis.cut();
    const records = [1, 2].map((i) => ({ idempotencyKey: `outage-redis-${i}`, family: family({ village: '31.01.02.1001' }) }));
    expect((await submit(gateway, records)).status).toBe(202);
    // dedup meets the outage: its batch fails with transient errors, again and again.
    await eventually(async () => (await metric(dedupMetrics, 'satupintu_consumer_errors_total', { kind: 'transient' })) >= 3, 60_000, 500);
    await new Promise((r) => setTimeout(r, 8_000)); // well past ioredis' retries and dedup's own attempts
    expect(await families()).toBe(before);
    expect(await stack.deadLetters('dedup')).toBe(0);
    expect(await metric(dedupMetrics, 'satupintu_consumer_dead_lettered_total')).toBe(0);
    // Still a member of its group: the batch waits in place, no rebalance.
    const admin = stack.kafka.admin();
    await admin.connect();
    const [group] = (await admin.describeGroups([stack.topic('dedup')])).groups;
    await admin.disconnect();
    expect(group.state).toBe('Stable');
    expect(group.members).toHaveLength(1);

    await redis.restore();
    await eventually(async () => (await families()) === before + 2, 90_000, 250);
    expect(await stack.deadLetters('dedup')).toBe(0);
    expect(await stack.deadLetters('validation')).toBe(0);
  });
});
