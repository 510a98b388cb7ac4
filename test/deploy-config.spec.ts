import { BaseConfigSchema, parseConfig } from '@satupintu/platform';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const ROOT = join(__dirname, '..');
const SERVICES = { gateway: 3000, validation: 3001, dedup: 3002, aggregation: 3003, eligibility: 3004, subscriptions: 3005 };
/** Variables a service reads besides the base ones (secrets and the keyring, set from .env in compose). */
const OWN_VARIABLES: Record<string, string[]> = {
  gateway: ['AUTH_BOOTSTRAP_ADMIN_KEY', 'AUTH_TOKEN_SECRET', 'DCI_SIGNING_KEY', 'WEBHOOK_SIGNING_KEY', 'PROTECTION_KEYRING'],
  dedup: ['PROTECTION_KEYRING'],
  aggregation: ['PROTECTION_KEYRING'],
  eligibility: ['PROTECTION_KEYRING'],
  subscriptions: ['WEBHOOK_SIGNING_KEY', 'PROTECTION_KEYRING'],
};

interface ComposeService {
  ports?: string[];
  environment?: Record<string, string>;
  command?: string | string[];
  build?: { context: string; dockerfile: string };
  depends_on?: Record<string, unknown> | string[];
}


/** docker-compose.yml describes the same stack as the native scripts and the services' config. */
describe('docker-compose.yml agrees with the platform configuration', () => {
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
  const infra = readFileSync(join(ROOT, 'tools/stack/infra.sh'), 'utf8');
  const defaults = parseConfig(BaseConfigSchema, {});
  const infraPort = (name: string) => Number(new RegExp(`^${name}=(\\d+)$`, 'm').exec(infra)?.[1]);

  it('has Kafka, PostgreSQL, Redis and the six services', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['aggregation', 'dedup', 'eligibility', 'gateway', 'kafka', 'postgres', 'redis', 'subscriptions', 'validation']);
  });

  it('publishes the servers on the host ports the platform defaults to', () => {
    const [kafkaHostPort] = defaults.KAFKA_BROKERS[0].split(':').slice(1).map(Number);
    const pg = Number(new URL(defaults.DATABASE_URL).port);
    const redis = Number(new URL(defaults.REDIS_URL).port);
    expect(kafkaHostPort).toBe(infraPort('KAFKA_PORT'));
    expect(pg).toBe(infraPort('PG_PORT'));
    expect(redis).toBe(infraPort('REDIS_PORT'));
    const hostPorts = (svc: string) => (compose.services[svc].ports ?? []).map((p) => Number(p.split(':')[0]));
    expect(hostPorts('kafka')).toContain(kafkaHostPort);
    expect(hostPorts('postgres')).toContain(pg);
    expect(hostPorts('redis')).toContain(redis);
  });

  it.each(Object.entries(SERVICES))('%s: same port and only known, valid variables', (name, port) => {
    const svc = compose.services[name];
    expect(svc.ports).toContain(`${port}:${port}`);
    const env = svc.environment ?? {};
    expect(Number(env.PORT)).toBe(port);
    const known = [...Object.keys(BaseConfigSchema.shape), ...(OWN_VARIABLES[name] ?? [])];
    for (const key of Object.keys(env)) expect(known).toContain(key);
    const parsed = parseConfig(BaseConfigSchema, env);
    expect(parsed.KAFKA_BROKERS).toEqual(['kafka:9092']);
    expect(new URL(parsed.DATABASE_URL).hostname).toBe('postgres');
    expect(new URL(parsed.REDIS_URL).hostname).toBe('redis');
    expect(parsed.HTTP_HOST).toBe('0.0.0.0');
  });
});

