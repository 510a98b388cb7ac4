import { BaseConfigSchema, parseConfig } from '@satupintu/platform';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { generatedFiles, SHARED_CONFIG } from '../tools/deploy/manifests';

const ROOT = join(__dirname, '..');
const SERVICES = { gateway: 3000, validation: 3001, dedup: 3002, aggregation: 3003, eligibility: 3004, subscriptions: 3005 };
/** Variables a service reads besides the base ones (the gateway's secrets, set from .env in compose). */
const OWN_VARIABLES: Record<string, string[]> = { gateway: ['AUTH_BOOTSTRAP_ADMIN_KEY', 'AUTH_TOKEN_SECRET', 'WEBHOOK_SIGNING_KEY'], subscriptions: ['WEBHOOK_SIGNING_KEY'] };

interface ComposeService {
  ports?: string[];
  environment?: Record<string, string>;
  command?: string | string[];
  build?: { context: string; dockerfile: string };
  depends_on?: Record<string, unknown> | string[];
}

interface K8sContainer {
  name: string;
  image: string;
  ports?: Array<{ containerPort: number }>;
  env?: Array<{ name: string; value?: string }>;
  envFrom?: Array<{ configMapRef?: { name: string } }>;
  readinessProbe?: { httpGet: { path: string } };
  livenessProbe?: { httpGet: { path: string } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}
type K8sObject = { kind: string; metadata: { name: string }; spec?: Record<string, unknown> };

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

/** deploy/ is what tools/deploy/manifests.ts generates, and agrees with docker-compose.yml. */
describe('deploy/ agrees with its generator, the configuration and docker-compose.yml', () => {
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
  const manifests = (svc: string): K8sObject[] => parseAllDocuments(readFileSync(join(ROOT, `deploy/k8s/${svc}.yaml`), 'utf8')).map((d) => d.toJSON() as K8sObject);

  it('holds exactly the generated files (run `npm run deploy:manifests` after changing the generator)', () => {
    for (const [path, content] of generatedFiles()) expect({ path, content: readFileSync(join(ROOT, path), 'utf8') }).toEqual({ path, content });
  });

  it('shares only known, valid settings in its ConfigMap', () => {
    const known = Object.keys(BaseConfigSchema.shape);
    for (const key of Object.keys(SHARED_CONFIG)) expect(known).toContain(key);
    const parsed = parseConfig(BaseConfigSchema, { ...SHARED_CONFIG, KAFKA_USERNAME: 'svc-x', KAFKA_PASSWORD: 'p' });
    expect(parsed.MIGRATIONS_RUN).toBe(false);
    expect(parsed.KAFKA_TOPIC_PARTITIONS['family.validated.v1']).toBeGreaterThanOrEqual(12);
  });

  it.each(Object.entries(SERVICES))('%s: same image, port and variables in Kubernetes and compose', (name, port) => {
    const objects = manifests(name);
    const deployment = objects.find((o) => o.kind === 'Deployment') as { spec: { template: { spec: { containers: K8sContainer[] } } } } & K8sObject;
    const container = deployment.spec.template.spec.containers[0];
    expect(container.image).toMatch(new RegExp(`/${name}:`));
    expect(container.ports?.[0].containerPort).toBe(port);
    expect(container.readinessProbe?.httpGet.path).toBe('/health/ready');
    expect(container.livenessProbe?.httpGet.path).toBe('/health/live');
    expect(container.resources?.requests?.cpu && container.resources?.limits?.memory).toBeTruthy();
    expect(objects.map((o) => o.kind)).toContain('PodDisruptionBudget');
    expect(objects.map((o) => o.kind)).toContain(name === 'gateway' ? 'HorizontalPodAutoscaler' : 'ScaledObject');

    const dockerfile = readFileSync(join(ROOT, `deploy/docker/${name}.Dockerfile`), 'utf8');
    expect(dockerfile).toContain(`EXPOSE ${port}`);
    expect(dockerfile).toMatch(/^USER 1000:1000$/m);
    expect(dockerfile.match(/^FROM /gm)?.length).toBe(2);
    expect(compose.services[name].build?.dockerfile).toBe(`deploy/docker/${name}.Dockerfile`);
    expect(compose.services[name].command).toBeUndefined();

    const known = [...Object.keys(BaseConfigSchema.shape), ...(OWN_VARIABLES[name] ?? [])];
    const k8sVariables = (container.env ?? []).map((e) => e.name);
    for (const v of k8sVariables) expect(known).toContain(v);
    expect(Number(container.env?.find((e) => e.name === 'PORT')?.value)).toBe(port);
    // The service's own secrets are set in both.
    for (const v of OWN_VARIABLES[name] ?? []) {
      if (v === 'AUTH_BOOTSTRAP_ADMIN_KEY' || v === 'AUTH_TOKEN_SECRET' || v === 'WEBHOOK_SIGNING_KEY') {
        expect(k8sVariables).toContain(v);
        expect(Object.keys(compose.services[name].environment ?? {})).toContain(v);
      }
    }
  });
});
