// Validates every manifest under deploy/k8s/ against the Kubernetes OpenAPI schemas and the KEDA
// CRD schemas, with the `kubernetes-models` validators (JSON Schema, ajv). Run in CI by `make lint`.
// An unknown apiVersion/kind fails: every object must be one the validators know.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

const dir = join(import.meta.dirname, '..', '..', 'deploy', 'k8s');
const models = {
  'v1/Namespace': () => import('kubernetes-models/v1/Namespace'),
  'v1/ServiceAccount': () => import('kubernetes-models/v1/ServiceAccount'),
  'v1/ConfigMap': () => import('kubernetes-models/v1/ConfigMap'),
  'v1/Service': () => import('kubernetes-models/v1/Service'),
  'apps/v1/Deployment': () => import('kubernetes-models/apps/v1/Deployment'),
  'batch/v1/Job': () => import('kubernetes-models/batch/v1/Job'),
  'policy/v1/PodDisruptionBudget': () => import('kubernetes-models/policy/v1/PodDisruptionBudget'),
  'autoscaling/v2/HorizontalPodAutoscaler': () => import('kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler'),
  'keda.sh/v1alpha1/ScaledObject': () => import('@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject'),
  'keda.sh/v1alpha1/TriggerAuthentication': () => import('@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication'),
};

let objects = 0;
const failures = [];
for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml').sort()) {
  for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
    if (doc.errors.length > 0) {
      failures.push(`${file}: YAML: ${doc.errors[0].message}`);
      continue;
    }
    const obj = doc.toJSON();
    if (!obj) continue;
    const id = `${obj.apiVersion}/${obj.kind}`;
    const where = `${file}: ${obj.kind} ${obj.metadata?.name ?? '?'}`;
    const load = models[id];
    if (!load) {
      failures.push(`${where}: no schema for ${id}`);
      continue;
    }
    const module = await load();
    const Model = module[obj.kind] ?? module.default;
    try {
      new Model(obj).validate();
      objects += 1;
    } catch (err) {
      failures.push(`${where}: ${err.message}`);
    }
  }
}
if (failures.length > 0) {
  console.error(`deploy/k8s: ${failures.length} invalid object(s):\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log(`deploy/k8s: ${objects} objects valid against the Kubernetes and KEDA schemas`);
