import { TOPICS } from '@satupintu/contracts';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';

/**
 * Generates deploy/k8s/ (Kubernetes manifests) and deploy/docker/<service>.Dockerfile from the table
 * of services and the sizing below, so that the manifests and the images cannot drift apart
 * (test/deploy-config.spec.ts checks the files against this generator and against docker-compose.yml;
 * tools/deploy/validate-manifests.mjs checks them against the Kubernetes and KEDA schemas).
 * Usage: `npm run deploy:manifests` (writes the files).
 */

/** What the manifests need of a service (its port and group are those of apps/<name>/src/config/service.ts). */
export interface ServiceDescriptor {
  name: string;
  defaultPort: number;
  /** It owns a PostgreSQL schema (and so runs migrations). */
  schema: boolean;
  consumerGroup: string;
}
const GATEWAY: ServiceDescriptor = { name: 'gateway', defaultPort: 3000, schema: true, consumerGroup: 'gateway' };
const VALIDATION: ServiceDescriptor = { name: 'validation', defaultPort: 3001, schema: false, consumerGroup: 'validation' };
const DEDUP: ServiceDescriptor = { name: 'dedup', defaultPort: 3002, schema: true, consumerGroup: 'dedup' };
const AGGREGATION: ServiceDescriptor = { name: 'aggregation', defaultPort: 3003, schema: true, consumerGroup: 'aggregation' };
const ELIGIBILITY: ServiceDescriptor = { name: 'eligibility', defaultPort: 3004, schema: true, consumerGroup: 'eligibility' };
const SUBSCRIPTIONS: ServiceDescriptor = { name: 'subscriptions', defaultPort: 3005, schema: true, consumerGroup: 'subscriptions' };

export const NAMESPACE = 'satupintu';
export const IMAGE_REGISTRY = 'ghcr.io/satupintu';
export const VERSION = '0.1.0';

/** Partitions of the busy topics: the most instances a consumer group can use (docs/operations.md, sizing). */
export const TOPIC_PARTITIONS: Record<string, number> = {
  [TOPICS.familySubmitted]: 24,
  [TOPICS.familyValidated]: 24,
  [TOPICS.familyRejected]: 12,
  [TOPICS.submissionRegistered]: 24,
  [TOPICS.familyChanged]: 24,
  [TOPICS.eligibilityDecisionChanged]: 24,
  [TOPICS.eligibilityFamilyDecisions]: 24,
};
const DEFAULT_PARTITIONS = 6;

export interface ServiceSizing {
  descriptor: ServiceDescriptor;
  replicas: { min: number; max: number };
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
  /** The topic whose lag scales the service (KEDA); absent: scaled on CPU (HPA). */
  lagTopic?: string;
  /** Lag per instance that asks for another instance. */
  lagThreshold?: number;
  /** Secrets the service reads besides the shared ones: variable -> [secret, key]. */
  secrets?: Record<string, [string, string]>;
}

export const SERVICES: ServiceSizing[] = [
  {
    descriptor: GATEWAY,
    replicas: { min: 2, max: 8 },
    requests: { cpu: '250m', memory: '256Mi' },
    limits: { cpu: '1', memory: '512Mi' },
    secrets: {
      AUTH_TOKEN_SECRET: ['satupintu-gateway', 'token-secret'],
      AUTH_BOOTSTRAP_ADMIN_KEY: ['satupintu-gateway', 'bootstrap-admin-key'],
      DCI_SIGNING_KEY: ['satupintu-gateway', 'dci-signing-key'],
      WEBHOOK_SIGNING_KEY: ['satupintu-webhook', 'signing-key'],
      PROTECTION_KEYRING: ['satupintu-protection-gateway', 'keyring'],
    },
  },
  { descriptor: VALIDATION, replicas: { min: 1, max: 24 }, requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' }, lagTopic: TOPICS.familySubmitted, lagThreshold: 2000 },
  {
    descriptor: DEDUP,
    replicas: { min: 2, max: 24 },
    requests: { cpu: '500m', memory: '512Mi' },
    limits: { cpu: '1', memory: '1Gi' },
    lagTopic: TOPICS.familyValidated,
    lagThreshold: 1000,
    // The registry's keyring (docs/security.md "Encryption at rest"); with a cloud KMS, its key names instead.
    secrets: { PROTECTION_KEYRING: ['satupintu-protection-dedup', 'keyring'] },
  },
  {
    descriptor: AGGREGATION,
    replicas: { min: 1, max: 24 },
    requests: { cpu: '250m', memory: '256Mi' },
    limits: { cpu: '1', memory: '512Mi' },
    lagTopic: TOPICS.familyChanged,
    lagThreshold: 2000,
    secrets: { PROTECTION_KEYRING: ['satupintu-protection-aggregation', 'keyring'] },
  },
  {
    descriptor: ELIGIBILITY,
    replicas: { min: 1, max: 24 },
    requests: { cpu: '250m', memory: '256Mi' },
    limits: { cpu: '1', memory: '512Mi' },
    lagTopic: TOPICS.familyChanged,
    lagThreshold: 2000,
    secrets: { PROTECTION_KEYRING: ['satupintu-protection-eligibility', 'keyring'] },
  },
  {
    descriptor: SUBSCRIPTIONS,
    replicas: { min: 1, max: 24 },
    requests: { cpu: '250m', memory: '256Mi' },
    limits: { cpu: '1', memory: '512Mi' },
    lagTopic: TOPICS.familyChanged,
    lagThreshold: 2000,
    secrets: { WEBHOOK_SIGNING_KEY: ['satupintu-webhook', 'signing-key'], PROTECTION_KEYRING: ['satupintu-protection-subscriptions', 'keyring'] },
  },
];

/** Settings every service shares (ConfigMap satupintu-config); secrets are referenced, never written here. */
export const SHARED_CONFIG: Record<string, string> = {
  NODE_ENV: 'production',
  LOG_LEVEL: 'info',
  HTTP_HOST: '0.0.0.0',
  KAFKA_BROKERS: 'kafka-0.kafka-headless.kafka:9092,kafka-1.kafka-headless.kafka:9092,kafka-2.kafka-headless.kafka:9092',
  KAFKA_SASL_MECHANISM: 'scram-sha-512',
  KAFKA_PARTITIONS: String(DEFAULT_PARTITIONS),
  KAFKA_TOPIC_PARTITIONS: Object.entries(TOPIC_PARTITIONS)
    .map(([t, n]) => `${t}=${n}`)
    .join(','),
  DATABASE_POOL_SIZE: '10',
  // The migration Job applies schema changes before a rollout (docs/operations.md, Upgrade).
  MIGRATIONS_RUN: 'false',
  // Readiness is false this long before the consumer stops, so Services stop routing first.
  SHUTDOWN_DRAIN_MS: '5000',
  OTEL_TRACES_EXPORTER: 'none',
  OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector.observability:4318',
  OTEL_TRACES_SAMPLER_ARG: '0.05',
};

const KAFKA_PASSWORD_DIR = '/var/run/secrets/satupintu/kafka';
const labels = (name: string) => ({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'satupintu' });
const image = (name: string) => `${IMAGE_REGISTRY}/${name}:${VERSION}`;
const kafkaSecret = (name: string) => `satupintu-kafka-${name}`;
/** A service's PostgreSQL roles (docs/security.md "Database roles"): `url` its own, `migration-url` its schema owner's. */
const databaseSecret = (name: string) => `satupintu-database-${name}`;

function deployment(s: ServiceSizing): object {
  const { name, defaultPort: port } = s.descriptor;
  const secretEnv = (variable: string, [secret, key]: [string, string]) => ({ name: variable, valueFrom: { secretKeyRef: { name: secret, key } } });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NAMESPACE, labels: labels(name) },
    spec: {
      replicas: s.replicas.min,
      revisionHistoryLimit: 5,
      selector: { matchLabels: labels(name) },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels: labels(name), annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(port), 'prometheus.io/path': '/metrics' } },
        spec: {
          serviceAccountName: 'satupintu',
          automountServiceAccountToken: false,
          // SIGTERM: readiness false, drain (SHUTDOWN_DRAIN_MS), finish and commit the batch, flush the outbox.
          terminationGracePeriodSeconds: 60,
          securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
          topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: labels(name) } }],
          containers: [
            {
              name,
              image: image(name),
              imagePullPolicy: 'IfNotPresent',
              ports: [{ name: 'http', containerPort: port, protocol: 'TCP' }],
              envFrom: [{ configMapRef: { name: 'satupintu-config' } }],
              env: [
                { name: 'PORT', value: String(port) },
                { name: 'INSTANCE_ID', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                // Its own role (rows of its schema only); the validation service keeps no data.
                ...(s.descriptor.schema ? [secretEnv('DATABASE_URL', [databaseSecret(name), 'url'])] : []),
                secretEnv('REDIS_URL', ['satupintu-redis', 'url']),
                secretEnv('KAFKA_USERNAME', [kafkaSecret(name), 'username']),
                { name: 'KAFKA_PASSWORD_FILE', value: `${KAFKA_PASSWORD_DIR}/password` },
                ...Object.entries(s.secrets ?? {}).map(([v, ref]) => secretEnv(v, ref)),
              ],
              resources: { requests: s.requests, limits: s.limits },
              startupProbe: { httpGet: { path: '/health/live', port: 'http' }, periodSeconds: 2, failureThreshold: 60 },
              livenessProbe: { httpGet: { path: '/health/live', port: 'http' }, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
              readinessProbe: { httpGet: { path: '/health/ready', port: 'http' }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 2 },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              volumeMounts: [
                { name: 'kafka-credentials', mountPath: KAFKA_PASSWORD_DIR, readOnly: true },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [
            { name: 'kafka-credentials', secret: { secretName: kafkaSecret(name), items: [{ key: 'password', path: 'password' }] } },
            { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
          ],
        },
      },
    },
  };
}

function service(s: ServiceSizing): object {
  const { name, defaultPort: port } = s.descriptor;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: NAMESPACE, labels: labels(name) },
    spec: { selector: labels(name), ports: [{ name: 'http', port, targetPort: 'http', protocol: 'TCP' }] },
  };
}

function disruptionBudget(s: ServiceSizing): object {
  const { name } = s.descriptor;
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name, namespace: NAMESPACE, labels: labels(name) },
    // One instance at a time may be evicted: its partitions move to the others (consumers), or
    // the others keep answering (gateway).
    spec: { maxUnavailable: 1, selector: { matchLabels: labels(name) } },
  };
}

function autoscaling(s: ServiceSizing): object[] {
  const { name, consumerGroup } = s.descriptor;
  if (!s.lagTopic) {
    return [
      {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name, namespace: NAMESPACE, labels: labels(name) },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
          minReplicas: s.replicas.min,
          maxReplicas: s.replicas.max,
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
        },
      },
    ];
  }
  return [
    {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'TriggerAuthentication',
      metadata: { name: kafkaSecret(name), namespace: NAMESPACE, labels: labels(name) },
      spec: {
        secretTargetRef: [
          { parameter: 'sasl', name: kafkaSecret(name), key: 'sasl' },
          { parameter: 'username', name: kafkaSecret(name), key: 'username' },
          { parameter: 'password', name: kafkaSecret(name), key: 'password' },
        ],
      },
    },
    {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name, namespace: NAMESPACE, labels: labels(name) },
      spec: {
        scaleTargetRef: { name },
        minReplicaCount: s.replicas.min,
        // More instances than partitions would sit idle.
        maxReplicaCount: Math.min(s.replicas.max, TOPIC_PARTITIONS[s.lagTopic] ?? DEFAULT_PARTITIONS),
        pollingInterval: 15,
        cooldownPeriod: 300,
        advanced: { horizontalPodAutoscalerConfig: { behavior: { scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } } } },
        triggers: [
          {
            type: 'kafka',
            authenticationRef: { name: kafkaSecret(name) },
            metadata: {
              bootstrapServers: SHARED_CONFIG.KAFKA_BROKERS,
              consumerGroup,
              topic: s.lagTopic,
              lagThreshold: String(s.lagThreshold ?? 1000),
              activationLagThreshold: '10',
              offsetResetPolicy: 'earliest',
              allowIdleConsumers: 'false',
            },
          },
        ],
      },
    },
  ];
}

function configMap(): object {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'satupintu-config', namespace: NAMESPACE, labels: labels('satupintu') }, data: SHARED_CONFIG };
}

function namespace(): object[] {
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE, labels: { ...labels('satupintu'), 'pod-security.kubernetes.io/enforce': 'restricted' } } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'satupintu', namespace: NAMESPACE, labels: labels('satupintu') }, automountServiceAccountToken: false },
  ];
}

/** Applies every service's pending migrations before a rollout (each service's image, --migrate-only). */
function migrationJob(): object {
  const withSchema = SERVICES.filter((s) => s.descriptor.schema);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: `satupintu-migrate-${VERSION.replace(/\./g, '-')}`, namespace: NAMESPACE, labels: labels('satupintu-migrate') },
    spec: {
      backoffLimit: 3,
      ttlSecondsAfterFinished: 86_400,
      template: {
        metadata: { labels: labels('satupintu-migrate') },
        spec: {
          restartPolicy: 'OnFailure',
          serviceAccountName: 'satupintu',
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
          containers: withSchema.map((s) => ({
            name: s.descriptor.name,
            image: image(s.descriptor.name),
            args: ['--migrate-only'],
            envFrom: [{ configMapRef: { name: 'satupintu-config' } }],
            // Migrations as the schema's owner, which then grants the service's own role its rows.
            env: [
              { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: databaseSecret(s.descriptor.name), key: 'url' } } },
              { name: 'DATABASE_MIGRATION_URL', valueFrom: { secretKeyRef: { name: databaseSecret(s.descriptor.name), key: 'migration-url' } } },
            ],
            resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
            securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
          })),
        },
      },
    },
  };
}

const HEADER = '# Generated by tools/deploy/manifests.ts (npm run deploy:manifests): edit the generator, not this file.\n';
const docs = (objects: object[]) => HEADER + objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');

/** Every generated file: path relative to the repository root -> content. */
export function generatedFiles(): Map<string, string> {
  const files = new Map<string, string>();
  files.set('deploy/k8s/namespace.yaml', docs(namespace()));
  files.set('deploy/k8s/config.yaml', docs([configMap()]));
  files.set('deploy/k8s/migrate-job.yaml', docs([migrationJob()]));
  for (const s of SERVICES) {
    files.set(`deploy/k8s/${s.descriptor.name}.yaml`, docs([deployment(s), service(s), disruptionBudget(s), ...autoscaling(s)]));
    files.set(`deploy/docker/${s.descriptor.name}.Dockerfile`, dockerfile(s.descriptor));
  }
  const resources = [...files.keys()].filter((f) => f.startsWith('deploy/k8s/')).map((f) => f.slice('deploy/k8s/'.length));
  files.set('deploy/k8s/kustomization.yaml', HEADER + stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', namespace: NAMESPACE, resources }));
  return files;
}

/** A multi-stage build of one service: compile the monorepo, keep production packages, run as `node` (uid 1000). */
export function dockerfile(d: ServiceDescriptor): string {
  return `${HEADER.replace('\n', '')}
# The ${d.name} service. Build from the repository root:
#   docker build -f deploy/docker/${d.name}.Dockerfile -t ${image(d.name)} .
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig*.json ./
COPY apps ./apps
COPY libs ./libs
COPY tools ./tools
RUN npx tsc -p tsconfig.build.json && npm prune --omit=dev

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist/libs ./dist/libs
COPY --from=build --chown=root:root /app/dist/apps/${d.name} ./dist/apps/${d.name}
COPY --from=build --chown=root:root /app/package.json /app/tsconfig.base.json ./
COPY --from=build --chown=root:root /app/tools/runtime ./tools/runtime
COPY --from=build --chown=root:root /app/libs/domain/data ./libs/domain/data
${d.name === 'gateway' ? 'COPY --from=build --chown=root:root /app/apps/gateway/public ./apps/gateway/public\n' : ''}USER 1000:1000
EXPOSE ${d.defaultPort}
ENTRYPOINT ["node", "--enable-source-maps", "-r", "./tools/runtime/register-paths.js", "dist/apps/${d.name}/src/main.js"]
`;
}

if (require.main === module) {
  const root = join(__dirname, '..', '..', '..');
  const files = generatedFiles();
  for (const [path, content] of files) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  console.log(`wrote ${files.size} files under deploy/`);
}
