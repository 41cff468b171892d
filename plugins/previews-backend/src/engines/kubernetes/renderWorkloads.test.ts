import { PreviewDeployment } from '@backstage-previews/plugin-previews-node';
import { PreviewWorkloadSpec } from '@backstage-previews/plugin-previews-common';
import { quantityValue } from '../shared/quantities';
import {
  renderDeployment,
  renderEnvConfigMap,
  renderService,
  renderServiceAccount,
} from './renderWorkloads';

const web: PreviewWorkloadSpec = {
  name: 'web',
  image: 'registry.local/shop:{branch}',
  port: 8080,
  env: { B: '2', A: '1' },
};
const base: PreviewDeployment = {
  previewId: '0b5c7d2e-1111-4222-8333-944445555666',
  name: 'shop-feature-x-1a2b3c4d',
  entityRef: 'component:default/shop',
  branch: 'feature/X',
  host: 'shop-feature-x-1a2b3c4d.previews.test',
  spec: { workloads: [web] },
};

const podTemplate = (
  d: PreviewDeployment,
  w: PreviewWorkloadSpec,
  options = {},
) => renderDeployment(d, w, options).spec!.template;
const container = (
  d: PreviewDeployment,
  w: PreviewWorkloadSpec,
  options = {},
) => podTemplate(d, w, options).spec!.containers[0];

describe('renderServiceAccount', () => {
  it('does not mount a token', () => {
    expect(renderServiceAccount(base)).toMatchObject({
      kind: 'ServiceAccount',
      metadata: { name: 'preview', namespace: base.name },
      automountServiceAccountToken: false,
    });
  });
});

describe('renderEnvConfigMap', () => {
  it.each<
    [string, PreviewDeployment, PreviewWorkloadSpec, Record<string, string>]
  >([
    [
      'sorted env with the preview host',
      base,
      web,
      {
        A: '1',
        B: '2',
        PREVIEW_NAME: base.name,
        PREVIEW_HOST: base.host!,
        PREVIEW_BRANCH: 'feature/X',
      },
    ],
    [
      'no host',
      { ...base, host: undefined },
      web,
      { A: '1', B: '2', PREVIEW_NAME: base.name, PREVIEW_BRANCH: 'feature/X' },
    ],
    [
      'no env',
      base,
      { name: 'worker', image: 'x' },
      {
        PREVIEW_NAME: base.name,
        PREVIEW_HOST: base.host!,
        PREVIEW_BRANCH: 'feature/X',
      },
    ],
    [
      'the commit when known',
      { ...base, sha: 'a'.repeat(40) },
      web,
      {
        A: '1',
        B: '2',
        PREVIEW_NAME: base.name,
        PREVIEW_HOST: base.host!,
        PREVIEW_BRANCH: 'feature/X',
        PREVIEW_COMMIT: 'a'.repeat(40),
      },
    ],
  ])('renders %s', (_, d, w, data) => {
    const configMap = renderEnvConfigMap(d, w);
    expect(configMap.metadata!.name).toBe(`${w.name}-env`);
    expect(configMap.metadata!.labels!['backstage-previews.io/workload']).toBe(
      w.name,
    );
    expect(configMap.data).toEqual(data);
    expect(Object.keys(configMap.data!)).toEqual(Object.keys(data));
  });
});

describe('renderDeployment', () => {
  it('renders the container of a workload', () => {
    expect(container(base, web)).toEqual({
      name: 'web',
      image: 'registry.local/shop:feature-x',
      ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
      envFrom: [{ configMapRef: { name: 'web-env' } }],
    });
  });

  it('renders the pod spec', () => {
    const d: PreviewDeployment = {
      ...base,
      spec: {
        workloads: [web],
        nodeSelector: { pool: 'spot' },
        tolerations: [
          {
            key: 'spot',
            operator: 'Equal',
            value: 'true',
            effect: 'NoSchedule',
          },
        ],
        imagePullSecrets: ['regcred'],
        secrets: [{ name: 'regcred', copyFrom: { namespace: 'x', name: 'y' } }],
      },
    };
    const deployment = renderDeployment(d, web);
    expect(deployment.spec).toMatchObject({
      replicas: 1,
      progressDeadlineSeconds: 300,
      selector: {
        matchLabels: {
          'backstage-previews.io/preview': base.name,
          'app.kubernetes.io/name': 'web',
        },
      },
    });
    const { containers, ...pod } = deployment.spec!.template.spec!;
    expect(containers).toHaveLength(1);
    expect(pod).toEqual({
      serviceAccountName: 'preview',
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      nodeSelector: { pool: 'spot' },
      tolerations: [
        { key: 'spot', operator: 'Equal', value: 'true', effect: 'NoSchedule' },
      ],
      imagePullSecrets: [{ name: 'regcred' }],
    });
    // The selector picks pods by labels they carry.
    expect(deployment.spec!.template.metadata!.labels).toMatchObject(
      deployment.spec!.selector.matchLabels!,
    );
  });

  it.each<[string, Partial<PreviewWorkloadSpec>, object]>([
    [
      'command and args',
      { command: ['sh', '-c'], args: ['exec web'] },
      { command: ['sh', '-c'], args: ['exec web'] },
    ],
    [
      'secrets as env',
      { envFromSecrets: ['db', 'api'] },
      {
        envFrom: [
          { configMapRef: { name: 'web-env' } },
          { secretRef: { name: 'db' } },
          { secretRef: { name: 'api' } },
        ],
      },
    ],
    [
      'a readiness probe',
      { readinessPath: '/healthz' },
      {
        readinessProbe: {
          httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' },
          periodSeconds: 5,
          failureThreshold: 3,
        },
      },
    ],
    [
      'resources',
      { resources: { requests: { cpu: '100m' }, limits: { memory: '256Mi' } } },
      { resources: { requests: { cpu: '100m' }, limits: { memory: '256Mi' } } },
    ],
  ])('renders %s', (_, change, expected) => {
    expect(container(base, { ...web, ...change })).toMatchObject(expected);
  });

  it.each<
    [
      string,
      PreviewWorkloadSpec['resources'],
      Record<string, string> | undefined,
      object | undefined,
    ]
  >([
    ['no resources', undefined, { cpu: '500m' }, undefined],
    [
      'a request under the default limit',
      { requests: { cpu: '100m' } },
      { cpu: '500m' },
      { requests: { cpu: '100m' } },
    ],
    [
      'a request over the default limit',
      { requests: { cpu: '1', memory: '1Gi' } },
      { cpu: '500m', memory: '512Mi' },
      {
        requests: { cpu: '1', memory: '1Gi' },
        limits: { cpu: '1', memory: '1Gi' },
      },
    ],
    [
      'a request over the limit without a LimitRange',
      { requests: { cpu: '1' } },
      undefined,
      { requests: { cpu: '1' } },
    ],
    [
      'an explicit limit',
      { requests: { cpu: '1' }, limits: { cpu: '2' } },
      { cpu: '500m' },
      { requests: { cpu: '1' }, limits: { cpu: '2' } },
    ],
  ])('resources: %s', (_, resources, defaultLimits, expected) => {
    expect(
      container(base, { ...web, resources }, { defaultLimits }).resources,
    ).toEqual(expected);
  });

  it.each([
    [undefined, 1],
    [0, 0],
    [3, 3],
  ])('replicas %p → %p', (replicas, expected) => {
    expect(renderDeployment(base, { ...web, replicas }).spec!.replicas).toBe(
      expected,
    );
  });

  it('rolls the pods when the env changes, not otherwise', () => {
    const hash = (d: PreviewDeployment, w: PreviewWorkloadSpec) =>
      podTemplate(d, w).metadata!.annotations![
        'backstage-previews.io/config-hash'
      ];
    expect(hash(base, web)).toMatch(/^[0-9a-f]{16}$/);
    expect(hash(base, web)).toBe(
      hash(base, { ...web, env: { A: '1', B: '2' } }),
    );
    expect(hash(base, web)).not.toBe(
      hash(base, { ...web, env: { A: '1', B: '3' } }),
    );
    expect(hash(base, web)).not.toBe(
      hash({ ...base, host: 'other.test' }, web),
    );
    expect(hash(base, web)).toBe(
      hash(base, { ...web, image: 'other', replicas: 2 }),
    );
  });

  it('rolls the pods when a secret loaded as env changes', () => {
    const w = { ...web, envFromSecrets: ['db'] };
    const hash = (data: Record<string, string>) =>
      podTemplate(base, w, { copiedSecrets: { db: { data } } }).metadata!
        .annotations!['backstage-previews.io/secrets-hash'];
    expect(hash({ P: 'YQ==' })).toBe(hash({ P: 'YQ==' }));
    expect(hash({ P: 'YQ==' })).not.toBe(hash({ P: 'Yg==' }));
    expect(
      podTemplate(base, web).metadata!.annotations![
        'backstage-previews.io/secrets-hash'
      ],
    ).toBeUndefined();
  });
});

describe('renderService', () => {
  it('forwards port 80 to the named container port over TCP', () => {
    expect(renderService(base, web).spec).toEqual({
      type: 'ClusterIP',
      selector: {
        'backstage-previews.io/preview': base.name,
        'app.kubernetes.io/name': 'web',
      },
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    });
  });
});

describe('quantityValue', () => {
  it.each<[string, number | undefined]>([
    ['1', 1],
    ['500m', 0.5],
    ['.5', 0.5],
    ['1Ki', 1024],
    ['64Mi', 64 * 2 ** 20],
    ['1G', 1e9],
    ['1e3', undefined],
    ['abc', undefined],
  ])('%s → %p', (quantity, expected) => {
    expect(quantityValue(quantity)).toBe(expected);
  });
});
