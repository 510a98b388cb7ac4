import { BaseConfigSchema, parseConfig } from '@satupintu/platform';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { generatedFiles, SERVICES as SIZED, SHARED_CONFIG } from './manifests';

const ROOT = join(__dirname, '..', '..');
const SERVICES = Object.fromEntries(SIZED.map((s) => [s.descriptor.name, s.descriptor.defaultPort]));
/** Secrets a service reads besides the shared ones, which both deploy/ and compose must set. */
const OWN_SECRETS: Record<string, string[]> = {
  gateway: ['AUTH_BOOTSTRAP_ADMIN_KEY', 'AUTH_TOKEN_SECRET', 'DCI_SIGNING_KEY', 'WEBHOOK_SIGNING_KEY', 'PROTECTION_KEYRING'],
  dedup: ['PROTECTION_KEYRING'],
  aggregation: ['PROTECTION_KEYRING'],
  eligibility: ['PROTECTION_KEYRING'],
  subscriptions: ['WEBHOOK_SIGNING_KEY', 'PROTECTION_KEYRING'],
};

interface ComposeService {
  environment?: Record<string, string>;
  command?: string | string[];
  build?: { context: string; dockerfile: string };
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

    const known = [...Object.keys(BaseConfigSchema.shape), ...(OWN_SECRETS[name] ?? [])];
    const k8sVariables = (container.env ?? []).map((e) => e.name);
    for (const v of k8sVariables) expect(known).toContain(v);
    expect(Number(container.env?.find((e) => e.name === 'PORT')?.value)).toBe(port);
    // The service's own secrets are set in both.
    for (const v of OWN_SECRETS[name] ?? []) {
      expect(k8sVariables).toContain(v);
      expect(Object.keys(compose.services[name].environment ?? {})).toContain(v);
    }
  });
});
