import type {
  KubernetesObject,
  V1Container,
  V1PodSpec,
} from '@kubernetes/client-node';
import { PreviewDeployment } from '@backstage-previews/plugin-previews-node';
import { validatePreviewSpec } from '@backstage-previews/plugin-previews-common';
import { renderPreviewObjects, RenderOptions } from './render';
import { DatabaseInputs } from './renderDatabases';
import { podSecurityProblems } from './podSecurityStandard';

// Every pod a preview renders, held to the Pod Security Standard its
// namespace enforces (the v1.20 test apiserver has no Pod Security Admission).

const deployment = (spec: unknown): PreviewDeployment => ({
  previewId: '0b5c7d2e-1111-4222-8333-944445555666',
  name: 'orders-api-pr-7-1a2b3c4d',
  entityRef: 'component:default/orders-api',
  branch: 'pr-7',
  sha: '0123456789abcdef0123456789abcdef01234567',
  host: 'orders.previews.example.com',
  spec: validatePreviewSpec(spec),
});

const everything = deployment({
  workloads: [
    {
      name: 'api',
      image: 'registry.local/orders:{sha}',
      port: 8080,
      runAsUser: 10001,
    },
    { name: 'worker', image: 'registry.local/worker:{sha}' },
  ],
  expose: 'api',
  databases: {
    postgres: {
      seed: { url: 'https://dumps.example.com/orders.sql' },
      migrate: { workload: 'api', command: ['migrate'] },
    },
    redis: {},
    mongodb: {},
  },
});
const customImages = deployment({
  workloads: [
    { name: 'api', image: 'registry.local/orders:{sha}', port: 8080 },
  ],
  databases: {
    postgres: {
      image: 'registry.local/pg:16',
      seed: { url: 'https://dumps.example.com/orders.sql' },
    },
    redis: { image: 'registry.local/redis:7' },
  },
});
const inputs: DatabaseInputs = {
  passwords: { postgres: 'pw', redis: 'pw', mongodb: 'pw' },
  seedDump: {
    data: Buffer.from('SELECT 1;').toString('base64'),
    version: 'v1',
  },
};

const pods = (objects: KubernetesObject[]) =>
  objects.flatMap(o => {
    const spec = (o as { spec?: { template?: { spec?: V1PodSpec } } }).spec
      ?.template?.spec;
    return spec ? [{ name: `${o.kind}/${o.metadata?.name}`, spec }] : [];
  });
const containers = (spec: V1PodSpec): V1Container[] => [
  ...(spec.initContainers ?? []),
  ...spec.containers,
];
const render = (d: PreviewDeployment, options: RenderOptions = {}) =>
  renderPreviewObjects(d, options, {}, inputs);

describe('pod security of the rendered pods', () => {
  it.each([
    ['every workload, database, seed and migrate step', everything],
    ['custom database images', customImages],
  ])(
    'by default (restricted enforced): %s comply with restricted',
    (_name, d) => {
      const rendered = pods(render(d));
      // Deployments (2 or 1), StatefulSets, the seed Job and the migrate Job
      expect(rendered.length).toBeGreaterThanOrEqual(4);
      for (const pod of rendered)
        expect({
          pod: pod.name,
          problems: podSecurityProblems(pod.spec, 'restricted'),
        }).toEqual({ pod: pod.name, problems: [] });
    },
  );

  it('with baseline enforced, the pods are left as the images define them (root allowed), and still comply with baseline', () => {
    const rendered = pods(
      render(everything, {
        podSecurity: {
          enforce: 'baseline',
          warn: 'restricted',
          audit: 'restricted',
        },
      }),
    );
    for (const pod of rendered) {
      expect(podSecurityProblems(pod.spec, 'baseline')).toEqual([]);
      expect(pod.spec.securityContext?.runAsNonRoot).toBeUndefined();
    }
    expect(
      rendered.some(
        pod => podSecurityProblems(pod.spec, 'restricted').length > 0,
      ),
    ).toBe(true);
  });

  it("runs the app and its migrate step as the workload's runAsUser, and the official database images as their uid 999", () => {
    const objects = render(everything);
    const uidOf = (pod: string, container: string) =>
      containers(pods(objects).find(p => p.name === pod)!.spec).find(
        c => c.name === container,
      )?.securityContext?.runAsUser;
    const podUid = (pod: string) =>
      pods(objects).find(p => p.name === pod)!.spec.securityContext;
    expect(uidOf('Deployment/api', 'api')).toBe(10001);
    expect(uidOf('Deployment/worker', 'worker')).toBeUndefined();
    const migrate = pods(objects).find(p => p.name.startsWith('Job/migrate-'))!;
    expect(
      containers(migrate.spec).map(c => [c.name, c.securityContext?.runAsUser]),
    ).toEqual([
      ['wait-for-seed', 999],
      ['migrate', 10001],
      ['mark-migrated', 999],
    ]);
    expect(uidOf('Deployment/api', 'wait-for-database')).toBe(999);
    for (const db of [
      'StatefulSet/postgres',
      'StatefulSet/redis',
      'StatefulSet/mongodb',
    ]) {
      expect(podUid(db)).toMatchObject({
        runAsUser: 999,
        runAsGroup: 999,
        fsGroup: 999,
      });
    }
    // curlimages/curl names its user (curl_user): the kubelet needs the number to admit it as non-root
    const seed = pods(objects).find(p => p.name === 'Job/seed-g1')!;
    expect(
      containers(seed.spec).map(c => [c.name, c.securityContext?.runAsUser]),
    ).toEqual([
      ['download', 100],
      ['seed', 999],
    ]);
  });

  it('runs a seed image (built from the official image) as 999, and a database as the runAsUser its spec gives', () => {
    const seeded = deployment({
      workloads: [
        { name: 'api', image: 'registry.local/orders:{sha}', port: 8080 },
      ],
      databases: {
        postgres: { seed: { image: 'registry.local/orders-seed:2026-11' } },
        redis: { image: 'registry.local/redis:7', runAsUser: 6379 },
      },
    });
    const objects = render(seeded);
    const podUid = (name: string) =>
      pods(objects).find(p => p.name === name)!.spec.securityContext;
    expect(podUid('StatefulSet/postgres')).toMatchObject({
      runAsUser: 999,
      fsGroup: 999,
    });
    expect(podUid('StatefulSet/redis')).toMatchObject({
      runAsUser: 6379,
      runAsGroup: 6379,
      fsGroup: 6379,
    });
    const custom = render(
      deployment({
        workloads: [{ name: 'api', image: 'a' }],
        databases: {
          postgres: { image: 'registry.local/pg:16', runAsUser: 70 },
        },
      }),
    );
    const client = pods(custom)
      .find(p => p.name === 'Deployment/api')!
      .spec.initContainers!.find(c => c.name === 'wait-for-database')!;
    expect(client.securityContext?.runAsUser).toBe(70);
  });

  it('leaves custom database images (and a configured download image) to the user they declare', () => {
    const objects = renderPreviewObjects(
      customImages,
      {},
      {},
      { ...inputs, downloadImage: 'registry.local/curl:8' },
    );
    for (const pod of pods(objects).filter(
      p => !p.name.startsWith('Deployment/'),
    )) {
      expect(pod.spec.securityContext?.runAsUser).toBeUndefined();
      for (const c of containers(pod.spec))
        expect(c.securityContext?.runAsUser).toBeUndefined();
    }
  });
});
