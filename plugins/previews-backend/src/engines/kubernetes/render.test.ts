import type {
  V1ConfigMap,
  V1Deployment,
  V1LimitRange,
  V1ResourceQuota,
  V1Secret,
  V1Service,
} from '@kubernetes/client-node';
import { PreviewDeployment } from '@backstage-previews/plugin-previews-node';
import { validatePreviewSpec } from '@backstage-previews/plugin-previews-common';
import { isDns1123Label } from '../../naming/previewName';
import { RenderOptions, renderPreviewObjects } from './render';
import {
  SHA,
  twoWorkloads,
  copied,
  oneWorkload,
  find,
  summary,
} from './renderTestFixtures';

describe('renderPreviewObjects', () => {
  it.each<
    [string, PreviewDeployment, RenderOptions, Record<string, any>, string[]]
  >([
    [
      'two workloads with a host',
      twoWorkloads,
      {},
      copied,
      [
        'Namespace/shop-feature-x-1a2b3c4d',
        'ResourceQuota/preview-quota',
        'LimitRange/preview-limits',
        'NetworkPolicy/preview-isolation',
        'NetworkPolicy/preview-dependents',
        'NetworkPolicy/preview-egress',
        'ServiceAccount/preview',
        'Secret/db',
        'Secret/regcred',
        'ConfigMap/web-env',
        'ConfigMap/worker-env',
        'Deployment/web',
        'Deployment/worker',
        'Service/web',
        'Ingress/preview',
      ],
    ],
    [
      'two workloads without a host, policies off',
      { ...twoWorkloads, host: undefined },
      {
        networkPolicy: false,
        egress: false,
        resourceQuota: false,
        limitRange: false,
      },
      copied,
      [
        'Namespace/shop-feature-x-1a2b3c4d',
        'ServiceAccount/preview',
        'Secret/db',
        'Secret/regcred',
        'ConfigMap/web-env',
        'ConfigMap/worker-env',
        'Deployment/web',
        'Deployment/worker',
        'Service/web',
      ],
    ],
    [
      'one workload, only the quota off',
      oneWorkload,
      { resourceQuota: false },
      {},
      [
        'Namespace/shop-feature-x-1a2b3c4d',
        'LimitRange/preview-limits',
        'NetworkPolicy/preview-isolation',
        'NetworkPolicy/preview-dependents',
        'NetworkPolicy/preview-egress',
        'ServiceAccount/preview',
        'ConfigMap/app-env',
        'Deployment/app',
        'Service/app',
        'Ingress/preview',
      ],
    ],
    [
      'no workload with a port: no Service, no Ingress',
      {
        ...oneWorkload,
        spec: { workloads: [{ name: 'cron', image: 'busybox' }] },
      },
      { networkPolicy: false, limitRange: false },
      {},
      [
        'Namespace/shop-feature-x-1a2b3c4d',
        'ResourceQuota/preview-quota',
        'NetworkPolicy/preview-egress',
        'ServiceAccount/preview',
        'ConfigMap/cron-env',
        'Deployment/cron',
      ],
    ],
  ])('renders %s in apply order', (_, d, options, secrets, expected) => {
    const objects = renderPreviewObjects(d, options, secrets);
    expect(summary(objects)).toEqual(expected);
    for (const o of objects) {
      expect(o.metadata?.labels).toMatchObject({
        'app.kubernetes.io/managed-by': 'backstage-previews',
        'app.kubernetes.io/instance': d.previewId,
        'backstage-previews.io/preview': d.name,
      });
      expect(o.metadata?.annotations).toMatchObject({
        'backstage-previews.io/entity-ref': 'component:default/shop',
        'backstage-previews.io/branch': 'feature/X',
      });
      expect(o.metadata?.namespace).toBe(
        o.kind === 'Namespace' ? undefined : d.name,
      );
    }
  });

  it('gives every object a valid name: DNS-1123 labels, DNS-1035 for Services', () => {
    const longest = `a${'b'.repeat(39)}`;
    const d: PreviewDeployment = {
      ...twoWorkloads,
      spec: {
        ...twoWorkloads.spec,
        workloads: [{ name: longest, image: 'x', port: 80 }],
        expose: longest,
      },
    };
    for (const o of renderPreviewObjects(d, {}, copied)) {
      const name = o.metadata!.name!;
      // Secrets may be DNS-1123 subdomains (dots allowed); Services must also start with a letter.
      const valid =
        o.kind === 'Secret'
          ? /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(
              name,
            )
          : isDns1123Label(name);
      const startsWithLetter = o.kind !== 'Service' || /^[a-z]/.test(name);
      expect([o.kind, name, valid, startsWithLetter]).toEqual([
        o.kind,
        name,
        true,
        true,
      ]);
    }
  });

  it('is pure: equal output, fresh objects, input untouched', () => {
    const input = JSON.parse(JSON.stringify(twoWorkloads));
    const options: RenderOptions = {
      ingressAnnotations: { a: 'b' },
      networkPolicy: { ingressNamespaceSelector: { x: 'y' } },
    };
    const first = renderPreviewObjects(twoWorkloads, options, copied);
    const second = renderPreviewObjects(twoWorkloads, options, copied);
    expect(first).toEqual(second);
    expect(twoWorkloads).toEqual(input);
    // No object shares its maps with another or with the input.
    (first[0].metadata!.labels as Record<string, string>).mutated = 'yes';
    (first[1].metadata!.annotations as Record<string, string>).mutated = 'yes';
    for (const o of first.slice(2)) {
      expect(o.metadata!.labels!.mutated).toBeUndefined();
      expect(o.metadata!.annotations!.mutated).toBeUndefined();
    }
    expect(renderPreviewObjects(twoWorkloads, options, copied)).toEqual(second);
  });

  it('renders the two workloads of the spec', () => {
    const objects = renderPreviewObjects(twoWorkloads, {}, copied);
    const web = find<V1Deployment>(objects, 'Deployment', 'web');
    const worker = find<V1Deployment>(objects, 'Deployment', 'worker');
    expect(web.spec!.template.spec!.containers[0].image).toBe(
      'registry.local/shop:feature-x-0123456',
    );
    expect(worker.spec!.template.spec!.containers[0].image).toBe(
      `registry.local/worker:${SHA}`,
    );
    expect(worker.spec!.template.spec!.containers[0]).toMatchObject({
      command: ['node'],
      args: ['worker.js'],
    });
    expect(worker.spec!.template.spec!.containers[0].ports).toBeUndefined();
    expect(worker.spec!.replicas).toBe(2);
    expect(web.spec!.selector.matchLabels).not.toEqual(
      worker.spec!.selector.matchLabels,
    );
    for (const [deployment, name] of [
      [web, 'web'],
      [worker, 'worker'],
    ] as const) {
      expect(
        deployment.metadata!.labels!['backstage-previews.io/workload'],
      ).toBe(name);
      expect(deployment.spec!.template.metadata!.labels).toMatchObject({
        'app.kubernetes.io/name': name,
        'backstage-previews.io/workload': name,
        'app.kubernetes.io/instance': twoWorkloads.previewId,
      });
      expect(deployment.spec!.template.spec).toMatchObject({
        serviceAccountName: 'preview',
        imagePullSecrets: [{ name: 'regcred' }],
      });
    }
    expect(find<V1ConfigMap>(objects, 'ConfigMap', 'worker-env').data).toEqual({
      PREVIEW_NAME: twoWorkloads.name,
      PREVIEW_HOST: twoWorkloads.host,
      PREVIEW_BRANCH: twoWorkloads.branch,
      PREVIEW_COMMIT: SHA,
    });
  });

  it('copies the secrets with their type and data', () => {
    const objects = renderPreviewObjects(twoWorkloads, {}, copied);
    expect(find<V1Secret>(objects, 'Secret', 'db')).toMatchObject({
      type: 'Opaque',
      data: copied.db.data,
    });
    expect(find<V1Secret>(objects, 'Secret', 'regcred')).toMatchObject({
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': 'e30=' },
    });
  });

  it('refuses to render a secret that was not copied', () => {
    expect(() =>
      renderPreviewObjects(twoWorkloads, {}, { db: copied.db }),
    ).toThrow(
      'Secret regcred of preview shop-feature-x-1a2b3c4d was not copied from shared/ghcr',
    );
  });

  it('throws when an image needs a commit that is unknown', () => {
    expect(() =>
      renderPreviewObjects({ ...twoWorkloads, sha: undefined }, {}, copied),
    ).toThrow(
      'image of workload web uses {shortSha} but the commit SHA of branch feature/X is unknown',
    );
  });

  it.each<[string, RenderOptions, Record<string, string>]>([
    [
      'defaults',
      {},
      {
        'requests.cpu': '2',
        'requests.memory': '4Gi',
        'limits.cpu': '4',
        'limits.memory': '8Gi',
        pods: '20',
        'requests.storage': '20Gi',
        persistentvolumeclaims: '4',
      },
    ],
    ['configured', { resourceQuota: { hard: { pods: '5' } } }, { pods: '5' }],
  ])('renders the ResourceQuota with %s', (_, options, hard) => {
    const quota = find<V1ResourceQuota>(
      renderPreviewObjects(oneWorkload, options),
      'ResourceQuota',
      'preview-quota',
    );
    expect(quota.spec).toEqual({ hard });
  });

  it.each<
    [string, RenderOptions, Record<string, string>, Record<string, string>]
  >([
    [
      'defaults',
      {},
      { cpu: '50m', memory: '64Mi' },
      { cpu: '500m', memory: '512Mi' },
    ],
    [
      'configured',
      { limitRange: { defaultRequest: { cpu: '10m' }, default: { cpu: '1' } } },
      { cpu: '10m' },
      { cpu: '1' },
    ],
  ])(
    'renders the LimitRange with %s',
    (_, options, defaultRequest, defaults) => {
      const limits = find<V1LimitRange>(
        renderPreviewObjects(oneWorkload, options),
        'LimitRange',
        'preview-limits',
      );
      expect(limits.spec).toEqual({
        limits: [{ type: 'Container', defaultRequest, _default: defaults }],
      });
    },
  );

  it.each([
    [undefined, 300],
    [{ progressDeadlineSeconds: 120 }, 120],
  ] as const)('progressDeadlineSeconds with %p is %p', (options, expected) => {
    const deployment = find<V1Deployment>(
      renderPreviewObjects(oneWorkload, options ?? {}),
      'Deployment',
      'app',
    );
    expect(deployment.spec!.progressDeadlineSeconds).toBe(expected);
  });

  it('renders what the validator accepts from a full spec file', () => {
    const spec = validatePreviewSpec({
      workloads: [
        {
          name: 'web',
          image: 'x:{branch}',
          port: 80,
          readinessPath: '/ready',
          resources: { requests: { cpu: '100m' } },
        },
      ],
      nodeSelector: { spot: 'true' },
      tolerations: [{ key: 'spot', operator: 'Exists', effect: 'NoSchedule' }],
    });
    const objects = renderPreviewObjects({ ...oneWorkload, spec });
    const podSpec = find<V1Deployment>(objects, 'Deployment', 'web').spec!
      .template.spec!;
    expect(podSpec.nodeSelector).toEqual({ spot: 'true' });
    expect(podSpec.tolerations).toEqual([
      { key: 'spot', operator: 'Exists', effect: 'NoSchedule' },
    ]);
    expect(find<V1Service>(objects, 'Service', 'web').spec!.ports).toEqual([
      { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' },
    ]);
  });
});

describe('the namespace labels', () => {
  const d = oneWorkload;
  const namespaceOf = (options: RenderOptions) =>
    renderPreviewObjects(d, options).find(o => o.kind === 'Namespace')!;
  it.each<[string, RenderOptions, Record<string, string | undefined>]>([
    [
      'by default: Pod Security restricted enforced, warned and audited; no installation',
      {},
      {
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/warn': 'restricted',
        'pod-security.kubernetes.io/audit': 'restricted',
        'backstage-previews.io/installation': undefined,
      },
    ],
    [
      'baseline enforced, with the installation',
      {
        podSecurity: {
          enforce: 'baseline',
          warn: 'restricted',
          audit: 'restricted',
        },
        installationId: 'inst-1',
      },
      {
        'pod-security.kubernetes.io/enforce': 'baseline',
        'backstage-previews.io/installation': 'inst-1',
      },
    ],
    [
      'Pod Security labels off',
      { podSecurity: false },
      { 'pod-security.kubernetes.io/enforce': undefined },
    ],
  ])('%s', (_, options, expected) => {
    const labels = namespaceOf(options).metadata?.labels ?? {};
    for (const [key, value] of Object.entries(expected))
      expect({ key, value: labels[key] }).toEqual({ key, value });
    // the preview's own labels stay whatever else is set
    expect(labels['app.kubernetes.io/instance']).toBe(d.previewId);
  });
});
