import type { KubernetesObject, V1Container, V1PodSpec } from '@kubernetes/client-node';
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
    { name: 'api', image: 'registry.local/orders:{sha}', port: 8080, runAsUser: 10001 },
    { name: 'worker', image: 'registry.local/worker:{sha}' },
  ],
  expose: 'api',
  databases: {
    postgres: { seed: { url: 'https://dumps.example.com/orders.sql' }, migrate: { workload: 'api', command: ['migrate'] } },
    redis: {},
    mongodb: {},
  },
});
const customImages = deployment({
  workloads: [{ name: 'api', image: 'registry.local/orders:{sha}', port: 8080 }],
  databases: { postgres: { image: 'registry.local/pg:16', seed: { dump: 'db.sql' } }, redis: { image: 'registry.local/redis:7' } },
});
const inputs: DatabaseInputs = {
  passwords: { postgres: 'pw', redis: 'pw', mongodb: 'pw' },
  seedDump: { data: Buffer.from('SELECT 1;').toString('base64'), version: 'v1' },
};

const pods = (objects: KubernetesObject[]) =>
  objects.flatMap(o => {
    const spec = (o as { spec?: { template?: { spec?: V1PodSpec } } }).spec?.template?.spec;
    return spec ? [{ name: `${o.kind}/${o.metadata?.name}`, spec }] : [];
  });
const containers = (spec: V1PodSpec): V1Container[] => [...(spec.initContainers ?? []), ...spec.containers];
const render = (d: PreviewDeployment, options: RenderOptions = {}) => renderPreviewObjects(d, options, {}, inputs);

describe('pod security of the rendered pods', () => {
  it.each([
    ['every workload, database, seed and migrate step', everything],
    ['custom database images', customImages],
  ])('by default (restricted enforced): %s comply with restricted', (_name, d) => {
    const rendered = pods(render(d));
    // Deployments (2 or 1), StatefulSets, the seed Job and the migrate Job
    expect(rendered.length).toBeGreaterThanOrEqual(4);
    for (const pod of rendered) expect({ pod: pod.name, problems: podSecurityProblems(pod.spec, 'restricted') }).toEqual({ pod: pod.name, problems: [] });
  });

  it('with baseline enforced, the pods are left as the images define them (root allowed), and still comply with baseline', () => {
    const rendered = pods(render(everything, { podSecurity: { enforce: 'baseline', warn: 'restricted', audit: 'restricted' } }));
    for (const pod of rendered) {
      expect(podSecurityProblems(pod.spec, 'baseline')).toEqual([]);
      expect(pod.spec.securityContext?.runAsNonRoot).toBeUndefined();
    }
    expect(rendered.some(pod => podSecurityProblems(pod.spec, 'restricted').length > 0)).toBe(true);
  });

  it("runs the app and its migrate step as the workload's runAsUser, and the official database images as their uid 999", () => {
    const objects = render(everything);
    const uidOf = (pod: string, container: string) =>
      containers(pods(objects).find(p => p.name === pod)!.spec).find(c => c.name === container)?.securityContext?.runAsUser;
    const podUid = (pod: string) => pods(objects).find(p => p.name === pod)!.spec.securityContext;
    expect(uidOf('Deployment/api', 'api')).toBe(10001);
    expect(uidOf('Deployment/worker', 'worker')).toBeUndefined();
    const migrate = pods(objects).find(p => p.name.startsWith('Job/migrate-'))!;
    expect(containers(migrate.spec).map(c => [c.name, c.securityContext?.runAsUser])).toEqual([
      ['wait-for-seed', 999],
      ['migrate', 10001],
      ['mark-migrated', 999],
    ]);
    expect(uidOf('Deployment/api', 'wait-for-database')).toBe(999);
    for (const db of ['StatefulSet/postgres', 'StatefulSet/redis', 'StatefulSet/mongodb']) {
      expect(podUid(db)).toMatchObject({ runAsUser: 999, runAsGroup: 999, fsGroup: 999 });
    }
    // the download step's image (curlimages/curl) declares its own non-root user
    const seed = pods(objects).find(p => p.name === 'Job/seed-g1')!;
    expect(containers(seed.spec).map(c => [c.name, c.securityContext?.runAsUser])).toEqual([
      ['download', undefined],
      ['seed', 999],
    ]);
  });

  it('leaves custom database images to the user they declare', () => {
    const objects = render(customImages);
    for (const pod of pods(objects).filter(p => !p.name.startsWith('Deployment/'))) {
      expect(pod.spec.securityContext?.runAsUser).toBeUndefined();
      for (const c of containers(pod.spec)) expect(c.securityContext?.runAsUser).toBeUndefined();
    }
  });
});
