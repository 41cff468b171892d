import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { parseAllDocuments } from 'yaml';
import type { KubernetesObject } from '@kubernetes/client-node';
import { PreviewDeployment } from '@backstage-previews/plugin-previews-node';
import { validatePreviewSpec } from '@backstage-previews/plugin-previews-common';
import { renderPreviewObjects } from './kubernetes/render';
import { renderApplication } from './argocd/renderApplication';

// Every object the engines render, checked against a current Kubernetes API
// schema (the kubernetes-models package) as well as the v1.20 apiserver of
// the integration tests: a kind that is gone, or a field whose type changed
// since 1.20, fails here.

/**
 * The model class of an object's kind, from kubernetes-models (ESM-only,
 * hence the dynamic import); undefined for a kind the current API lacks.
 */
async function modelOf(
  o: KubernetesObject,
): Promise<(new (data: unknown) => { validate(): void }) | undefined> {
  const [group, version] = o.apiVersion!.includes('/')
    ? o.apiVersion!.split('/')
    : ['', o.apiVersion!];
  try {
    const mod = await import(
      `kubernetes-models/${group ? `${group}/` : ''}${version}/${o.kind}`
    );
    return mod[o.kind!];
  } catch {
    return undefined;
  }
}

/**
 * API versions served by v1.20 but removed since (Kubernetes' deprecated API
 * migration guide: 1.22, 1.25, 1.26 and 1.29 removals). The models package
 * still carries some of them, so they are refused by name.
 */
const REMOVED_API_VERSIONS = new Set([
  'extensions/v1beta1',
  'apps/v1beta1',
  'apps/v1beta2',
  'networking.k8s.io/v1beta1',
  'policy/v1beta1',
  'batch/v1beta1',
  'rbac.authorization.k8s.io/v1beta1',
  'autoscaling/v2beta1',
  'autoscaling/v2beta2',
  'storage.k8s.io/v1beta1',
  'discovery.k8s.io/v1beta1',
  'flowcontrol.apiserver.k8s.io/v1beta2',
]);

async function validateCurrent(
  o: KubernetesObject,
): Promise<string | undefined> {
  if (REMOVED_API_VERSIONS.has(o.apiVersion!))
    return `${o.apiVersion} ${o.kind} is not in the current Kubernetes API`;
  const Model = await modelOf(o);
  if (!Model)
    return `${o.apiVersion} ${o.kind} is not in the current Kubernetes API`;
  try {
    new Model(o).validate();
    return undefined;
  } catch (e) {
    return `${o.kind}/${o.metadata?.name}: ${(e as Error).message}`;
  }
}

const SHA = '0123456789abcdef0123456789abcdef01234567';
const everything: PreviewDeployment = {
  previewId: '0b5c7d2e-1111-4222-8333-944445555666',
  name: 'shop-feature-x-1a2b3c4d',
  entityRef: 'component:default/shop',
  branch: 'feature/x',
  sha: SHA,
  host: 'shop-feature-x-1a2b3c4d.previews.example.com',
  dependencies: [
    {
      env: 'ORDERS_API_URL',
      url: 'http://api.orders-x-1a2b3c4d.svc.cluster.local',
      previewName: 'orders-x-1a2b3c4d',
    },
  ],
  spec: validatePreviewSpec({
    workloads: [
      {
        name: 'web',
        image: 'ghcr.io/acme/shop:{sha}',
        port: 8080,
        command: ['node', 'server.js'],
        env: { LOG_LEVEL: 'debug' },
        envFromSecrets: ['api-keys'],
        resources: {
          requests: { cpu: '100m', memory: '128Mi' },
          limits: { cpu: '500m', memory: '512Mi' },
        },
        readinessPath: '/healthz',
        replicas: 2,
      },
      { name: 'worker', image: 'ghcr.io/acme/shop-worker:{branch}' },
    ],
    expose: 'web',
    secrets: [
      {
        name: 'regcred',
        copyFrom: { namespace: 'previews-shared', name: 'regcred' },
      },
      {
        name: 'api-keys',
        copyFrom: { namespace: 'previews-shared', name: 'shop-api-keys' },
      },
    ],
    imagePullSecrets: ['regcred'],
    nodeSelector: { pool: 'spot' },
    tolerations: [{ key: 'spot', operator: 'Exists', effect: 'NoSchedule' }],
    databases: {
      postgres: {
        database: 'shop',
        seed: { url: 'http://files.example/seed.sql', version: 'v1' },
        migrate: { workload: 'web', command: ['npm', 'run', 'migrate'] },
      },
      redis: {},
      mongodb: {},
    },
  }),
};
const copied = {
  regcred: {
    type: 'kubernetes.io/dockerconfigjson',
    data: {
      '.dockerconfigjson': Buffer.from('{"auths":{}}').toString('base64'),
    },
  },
  'api-keys': {
    type: 'Opaque',
    data: { KEY: Buffer.from('k').toString('base64') },
  },
};
const inputs = { passwords: { postgres: 'p', redis: 'r', mongodb: 'm' } };

describe('rendered objects against the current Kubernetes API schema', () => {
  const secretAccess = {
    clusterRole: 'backstage-previews-namespace-secrets',
    subject: {
      kind: 'ServiceAccount',
      name: 'previews',
      namespace: 'backstage',
    },
  };
  const objects = renderPreviewObjects(
    everything,
    { tlsSecretName: 'tls', ingressClassName: 'nginx', secretAccess },
    copied,
    inputs,
  );

  it('renders every kind a preview uses', () => {
    expect(new Set(objects.map(o => o.kind))).toEqual(
      new Set([
        'Namespace',
        'RoleBinding',
        'ResourceQuota',
        'LimitRange',
        'ServiceAccount',
        'NetworkPolicy',
        'Secret',
        'ConfigMap',
        'Deployment',
        'Service',
        'Ingress',
        'StatefulSet',
        'Job',
      ]),
    );
  });

  it.each(objects.map(o => [`${o.kind}/${o.metadata?.name}`, o] as const))(
    '%s validates',
    async (_, o) => {
      expect(await validateCurrent(o)).toBeUndefined();
    },
  );

  it('the sleeping variant validates too', async () => {
    const asleep = renderPreviewObjects(
      { ...everything, asleep: true },
      {},
      copied,
      inputs,
    );
    expect(
      asleep.some(
        o => o.kind === 'Deployment' && (o as any).spec.replicas === 0,
      ),
    ).toBe(true);
    for (const o of asleep) expect(await validateCurrent(o)).toBeUndefined();
  });

  it('catches what the current API no longer has or types differently', async () => {
    expect(
      await validateCurrent({
        apiVersion: 'extensions/v1beta1',
        kind: 'Ingress',
        metadata: { name: 'old' },
      }),
    ).toMatch(/not in the current/);
    expect(
      await validateCurrent({
        apiVersion: 'policy/v1beta1',
        kind: 'PodSecurityPolicy',
        metadata: { name: 'old' },
      }),
    ).toMatch(/not in the current/);
    const deployment = objects.find(o => o.kind === 'Deployment')! as any;
    const broken = {
      ...deployment,
      spec: { ...deployment.spec, replicas: '2' },
    };
    expect(await validateCurrent(broken)).toMatch(/replicas/);
  });
});

describe('the Argo CD Application against its CRD schema', () => {
  const crd = parseAllDocuments(
    fs.readFileSync(
      path.resolve(
        __dirname,
        '../../../../../shared/fixtures/argocd/application-crd.yaml',
      ),
      'utf8',
    ),
  )
    .map(d => d.toJS())
    .find(d => d?.kind === 'CustomResourceDefinition');
  const version = crd.spec.versions.find((v: any) => v.served);
  const validate = new Ajv({
    strict: false,
    allErrors: true,
    validateFormats: false,
  }).compile(version.schema.openAPIV3Schema);
  const settings = {
    argoNamespace: 'argocd',
    defaultProject: 'previews',
    destinationServer: 'https://kubernetes.default.svc',
  };

  it.each([
    [
      'kustomize',
      {
        workloads: [{ name: 'web', image: 'ghcr.io/acme/shop:{sha}' }],
        argocd: { path: 'deploy/preview' },
      },
    ],
    [
      'helm',
      {
        workloads: [{ name: 'web', image: 'ghcr.io/acme/shop:{sha}' }],
        argocd: { path: 'chart', helm: { parameters: { 'a.b': 'c' } } },
      },
    ],
  ])('%s validates', (_, spec) => {
    const app = renderApplication(
      {
        ...everything,
        repoUrl: 'https://github.com/acme/shop',
        spec: validatePreviewSpec(spec),
        dependencies: undefined,
      },
      settings,
    );
    expect(validate(app) ? [] : validate.errors).toEqual([]);
    // and the schema does refuse what does not fit it
    expect(
      validate({
        ...app,
        spec: { ...app.spec, source: { ...app.spec.source, repoURL: 5 } },
      }),
    ).toBe(false);
  });
});
