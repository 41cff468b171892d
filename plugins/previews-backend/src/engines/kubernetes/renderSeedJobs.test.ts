import type {
  KubernetesObject,
  V1ConfigMap,
  V1Container,
  V1Deployment,
  V1Job,
  V1Secret,
  V1Service,
  V1StatefulSet,
} from '@kubernetes/client-node';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { PreviewDeployment } from '@backstage-previews/plugin-previews-node';
import { validatePreviewSpec } from '@backstage-previews/plugin-previews-common';
import { isDns1123Label } from '../../naming/previewName';
import { renderPreviewObjects } from './render';
import { applyStages } from './applyStages';
import { DatabaseInputs } from './renderDatabases';
import {
  MARK_MIGRATED_SCRIPT,
  SEED_SCRIPT,
  WAIT_FOR_DATABASE_CONTAINER,
  WAIT_SCRIPT,
  migrateJobName,
  seedVersion,
} from './renderSeedJobs';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const dump = {
  data: Buffer.from('CREATE TABLE orders (id int);\n').toString('base64'),
  version: 'b1946ac92492',
};

const orders: PreviewDeployment = {
  previewId: '0b5c7d2e-1111-4222-8333-944445555666',
  name: 'orders-api-seed-x-1a2b3c4d',
  entityRef: 'component:default/orders-api',
  branch: 'seed/x',
  sha: SHA,
  spec: validatePreviewSpec({
    workloads: [
      {
        name: 'api',
        image: 'registry.local/orders:{sha}',
        port: 8080,
        env: { LOG_LEVEL: 'debug' },
      },
      { name: 'worker', image: 'registry.local/orders-worker:{sha}' },
    ],
    databases: {
      postgres: {
        database: 'orders',
        seed: { dump: 'db/orders.sql' },
        migrate: { workload: 'api', command: ['npm', 'run', 'migrate'] },
      },
    },
  }),
};
const inputs: DatabaseInputs = {
  passwords: { postgres: 'pw-abc_123' },
  seedDump: dump,
};

const find = <T extends KubernetesObject>(
  objects: KubernetesObject[],
  kind: string,
  name: string,
) => objects.find(o => o.kind === kind && o.metadata?.name === name) as T;
const decode = (secret: V1Secret) =>
  Object.fromEntries(
    Object.entries(secret.data ?? {}).map(([k, v]) => [
      k,
      Buffer.from(v, 'base64').toString('utf8'),
    ]),
  );
const envValue = (c: V1Container, name: string) =>
  c.env?.find(e => e.name === name);
const jobsOf = (objects: KubernetesObject[]) =>
  objects.filter(o => o.kind === 'Job') as V1Job[];

describe('rendering databases and seed Jobs', () => {
  const objects = renderPreviewObjects(orders, {}, {}, inputs);
  const migrateName = migrateJobName(1, `registry.local/orders:${SHA}`, [
    'npm',
    'run',
    'migrate',
  ]);

  it('labels objects and workload pods for the Kubernetes plugin, but not the Job templates, which cannot change', () => {
    const labelled = renderPreviewObjects(
      { ...orders, kubernetesId: 'orders' },
      {},
      {},
      inputs,
    );
    const id = {
      'backstage.io/kubernetes-id': 'orders',
      'app.kubernetes.io/part-of': 'orders-api',
    };
    for (const o of labelled)
      expect([o.kind, o.metadata?.labels]).toEqual([
        o.kind,
        expect.objectContaining(id),
      ]);
    const templates = (kind: string) =>
      labelled
        .filter(o => o.kind === kind)
        .map(
          o =>
            (o as V1Deployment | V1StatefulSet | V1Job).spec!.template.metadata!
              .labels,
        );
    expect(templates('Deployment')).toEqual([
      expect.objectContaining(id),
      expect.objectContaining(id),
    ]);
    expect(templates('StatefulSet')).toEqual([expect.objectContaining(id)]);
    const jobs = templates('Job');
    expect(jobs).toHaveLength(2);
    for (const labels of jobs) {
      expect(labels).not.toHaveProperty('backstage.io/kubernetes-id');
      expect(labels).not.toHaveProperty('app.kubernetes.io/part-of');
    }
    // Without the opt-in: part-of only.
    for (const o of renderPreviewObjects(orders, {}, {}, inputs))
      expect(o.metadata?.labels).not.toHaveProperty(
        'backstage.io/kubernetes-id',
      );
  });

  it('renders the server, its credentials, the dump and both Jobs with DNS-1123 names', () => {
    const names = objects.map(o => `${o.kind}/${o.metadata?.name}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'Secret/postgres',
        'StatefulSet/postgres',
        'Service/postgres',
        'ConfigMap/postgres-seed',
        'Job/seed-g1',
        `Job/${migrateName}`,
      ]),
    );
    for (const o of objects) {
      expect(isDns1123Label(o.metadata!.name!)).toBe(true);
      expect(o.metadata!.name!.length).toBeLessThanOrEqual(63);
    }
    expect(migrateName).toMatch(/^migrate-g1-[0-9a-f]{8}$/);
  });

  it('keeps the password in the Secret, with a URL to the preview server', () => {
    expect(decode(find<V1Secret>(objects, 'Secret', 'postgres'))).toEqual({
      host: 'postgres',
      port: '5432',
      database: 'orders',
      user: 'preview',
      password: 'pw-abc_123',
      url: 'postgresql://preview:pw-abc_123@postgres:5432/orders',
    });
    // Nowhere else in plain text.
    const others = objects.filter(
      o => !(o.kind === 'Secret' && o.metadata?.name === 'postgres'),
    );
    expect(JSON.stringify(others)).not.toContain('pw-abc_123');
  });

  it('runs postgres with a volume and credentials from the Secret', () => {
    const sts = find<V1StatefulSet>(objects, 'StatefulSet', 'postgres');
    const c = sts.spec!.template.spec!.containers[0];
    expect(c.image).toBe('postgres:16');
    expect(envValue(c, 'POSTGRES_PASSWORD')?.valueFrom?.secretKeyRef).toEqual({
      name: 'postgres',
      key: 'password',
    });
    expect(
      sts.spec!.volumeClaimTemplates![0].spec!.resources!.requests,
    ).toEqual({ storage: '1Gi' });
    const svc = find<V1Service>(objects, 'Service', 'postgres');
    expect(svc.spec!.selector).toEqual(sts.spec!.selector!.matchLabels);
    expect(sts.spec!.template.metadata!.labels).toEqual(
      expect.objectContaining(sts.spec!.selector!.matchLabels),
    );
  });

  it('restores the dump from the ConfigMap in the seed Job, recreating the database', () => {
    expect(
      find<V1ConfigMap>(objects, 'ConfigMap', 'postgres-seed').binaryData,
    ).toEqual({ dump: dump.data });
    const seed = find<V1Job>(objects, 'Job', 'seed-g1');
    expect(seed.metadata!.annotations).toEqual(
      expect.objectContaining({
        'backstage-previews.io/seed-version': dump.version,
        'backstage-previews.io/seed-migrates': 'true',
      }),
    );
    expect(seed.metadata!.labels).toEqual(
      expect.objectContaining({
        'backstage-previews.io/seed-step': 'seed',
        'backstage-previews.io/seed-generation': '1',
        'app.kubernetes.io/instance': orders.previewId,
      }),
    );
    const pod = seed.spec!.template.spec!;
    expect(pod.restartPolicy).toBe('Never');
    const c = pod.containers[0];
    expect(c.terminationMessagePolicy).toBe('FallbackToLogsOnError');
    expect(c.image).toBe('postgres:16');
    expect(
      Object.fromEntries(
        (c.env ?? [])
          .filter(e => e.value !== undefined)
          .map(e => [e.name, e.value]),
      ),
    ).toEqual(
      expect.objectContaining({
        RECREATE: '1',
        SEED_FILE: '/seed/dump',
        SEED_FORMAT: 'sql',
        SEED_GENERATION: '1',
        SEED_VERSION: dump.version,
      }),
    );
    expect(pod.volumes).toEqual([
      { name: 'seed', configMap: { name: 'postgres-seed' } },
    ]);
  });

  it('migrates in the named workload image after the seed, then marks the database', () => {
    const migrate = find<V1Job>(objects, 'Job', migrateName);
    const pod = migrate.spec!.template.spec!;
    expect(pod.initContainers!.map(c => c.name)).toEqual([
      'wait-for-seed',
      'migrate',
    ]);
    expect(envValue(pod.initContainers![0], 'WAIT_STEP')?.value).toBe('seeded');
    const run = pod.initContainers![1];
    expect(run.image).toBe(`registry.local/orders:${SHA}`);
    expect(run.command).toEqual(['npm', 'run', 'migrate']);
    expect(run.envFrom).toEqual([{ configMapRef: { name: 'api-env' } }]);
    expect(envValue(run, 'DATABASE_URL')?.valueFrom?.secretKeyRef).toEqual({
      name: 'postgres',
      key: 'url',
    });
    expect(pod.containers.map(c => c.name)).toEqual(['mark-migrated']);
    expect(envValue(pod.containers[0], 'MIGRATE_JOB')?.value).toBe(migrateName);
    for (const c of [...pod.initContainers!, ...pod.containers]) {
      expect(c.terminationMessagePolicy).toBe('FallbackToLogsOnError');
    }
  });

  it('makes every app workload wait for the migrated database and get its URL', () => {
    for (const name of ['api', 'worker']) {
      const pod = find<V1Deployment>(objects, 'Deployment', name).spec!.template
        .spec!;
      const wait = pod.initContainers!.find(
        c => c.name === WAIT_FOR_DATABASE_CONTAINER,
      )!;
      expect(envValue(wait, 'WAIT_STEP')?.value).toBe('migrated');
      expect(envValue(wait, 'WAIT_KEY')?.value).toBe(migrateName);
      expect(
        envValue(pod.containers[0], 'DATABASE_URL')?.valueFrom?.secretKeyRef,
      ).toEqual({ name: 'postgres', key: 'url' });
    }
  });

  it('applies credentials and the dump before the server, the Jobs and the workloads', () => {
    const stages = applyStages(objects).map(s =>
      s.map(o => `${o.kind}/${o.metadata?.name}`),
    );
    const stageOf = (id: string) => stages.findIndex(s => s.includes(id));
    expect(stageOf('Secret/postgres')).toBeLessThan(
      stageOf('StatefulSet/postgres'),
    );
    expect(stageOf('ConfigMap/postgres-seed')).toBeLessThan(
      stageOf('Job/seed-g1'),
    );
    expect(stageOf('ConfigMap/api-env')).toBeLessThan(
      stageOf(`Job/${migrateName}`),
    );
  });

  it('names new Jobs and rolls the workloads for the next seed generation', () => {
    const next = renderPreviewObjects(
      { ...orders, seedGeneration: 2 },
      {},
      {},
      inputs,
    );
    expect(jobsOf(next).map(j => j.metadata!.name)).toEqual([
      'seed-g2',
      migrateJobName(2, `registry.local/orders:${SHA}`, [
        'npm',
        'run',
        'migrate',
      ]),
    ]);
    const template = (os: KubernetesObject[]) =>
      find<V1Deployment>(os, 'Deployment', 'api').spec!.template;
    expect(template(next)).not.toEqual(template(objects));
  });

  it('runs the migrations again when a redeploy brings a new image', () => {
    const other = renderPreviewObjects(
      { ...orders, sha: 'f'.repeat(40) },
      {},
      {},
      inputs,
    );
    const names = jobsOf(other).map(j => j.metadata!.name);
    expect(names[0]).toBe('seed-g1');
    expect(names[1]).not.toBe(migrateName);
  });
});

describe('private images of database servers and Jobs', () => {
  const withPullSecret: PreviewDeployment = {
    ...orders,
    spec: validatePreviewSpec({
      workloads: [
        { name: 'api', image: 'registry.local/orders:{sha}', port: 8080 },
      ],
      imagePullSecrets: ['regcred'],
      secrets: [
        {
          name: 'regcred',
          copyFrom: { namespace: 'previews-shared', name: 'regcred' },
        },
      ],
      databases: {
        postgres: {
          image: 'registry.local/private/postgres:15',
          seed: { dump: 'db/orders.sql' },
          migrate: { workload: 'api', command: ['migrate'] },
        },
        redis: { image: 'registry.local/private/redis:7' },
      },
    }),
  };
  const podSpecs = (d: PreviewDeployment) =>
    renderPreviewObjects(
      d,
      {},
      { regcred: { type: 'kubernetes.io/dockerconfigjson', data: {} } },
      { ...inputs, passwords: { postgres: 'p', redis: 'r' } },
    )
      .filter(o => ['StatefulSet', 'Job', 'Deployment'].includes(o.kind!))
      .map(
        o =>
          [
            `${o.kind}/${o.metadata!.name}`,
            (o as V1Job).spec!.template.spec!.imagePullSecrets,
          ] as const,
      );

  it.each([
    ["with the spec's pull secrets", withPullSecret, [{ name: 'regcred' }]],
    [
      'without pull secrets in the spec',
      {
        ...withPullSecret,
        spec: { ...withPullSecret.spec, imagePullSecrets: undefined },
      },
      undefined,
    ],
  ])(
    'every pod (servers, seed and migrate Jobs, workloads) is rendered %s',
    (_, d, expected) => {
      const specs = podSpecs(d);
      expect(specs.map(([name]) => name.split('/')[0]).sort()).toEqual([
        'Deployment',
        'Job',
        'Job',
        'StatefulSet',
        'StatefulSet',
      ]);
      for (const [, secrets] of specs) expect(secrets).toEqual(expected);
    },
  );
});

describe('seed sources and other backing services', () => {
  const base = orders.spec;
  // Each case reads what it checks from the rendered objects; the test compares it with `expected`.
  const cases: Array<{
    name: string;
    spec: unknown;
    inputs: DatabaseInputs;
    facts: (objects: KubernetesObject[]) => Record<string, unknown>;
    expected: Record<string, unknown>;
  }> = [
    {
      name: 'a seed image runs as the server without a volume and restarts on a reseed',
      spec: {
        ...base,
        databases: {
          postgres: { seed: { image: 'ghcr.io/acme/orders-db:2026-11-01' } },
        },
      },
      inputs: { passwords: { postgres: 'p' } },
      facts: objects => {
        const sts = find<V1StatefulSet>(objects, 'StatefulSet', 'postgres');
        const seed = find<V1Job>(objects, 'Job', 'seed-g1');
        const wait = find<V1Deployment>(objects, 'Deployment', 'api').spec!
          .template.spec!.initContainers![0];
        return {
          image: sts.spec!.template.spec!.containers[0].image,
          volumeClaimTemplates: sts.spec!.volumeClaimTemplates,
          seedGeneration:
            sts.spec!.template.metadata!.annotations![
              'backstage-previews.io/seed-generation'
            ],
          seedVersion:
            seed.metadata!.annotations!['backstage-previews.io/seed-version'],
          recreates: seed
            .spec!.template.spec!.containers[0].env!.map(e => e.name)
            .includes('RECREATE'),
          waitStep: wait.env!.find(e => e.name === 'WAIT_STEP')?.value,
        };
      },
      expected: {
        image: 'ghcr.io/acme/orders-db:2026-11-01',
        volumeClaimTemplates: undefined,
        seedGeneration: '1',
        seedVersion: '2026-11-01',
        recreates: false,
        // Without a migrate step the workloads wait for the seed.
        waitStep: 'seeded',
      },
    },
    {
      name: 'a seed URL is downloaded by an init container; .dump means custom format',
      spec: {
        ...base,
        databases: {
          postgres: { seed: { url: 'https://dumps.example.com/orders.dump' } },
        },
      },
      inputs: { passwords: { postgres: 'p' } },
      facts: objects => {
        const pod = find<V1Job>(objects, 'Job', 'seed-g1').spec!.template.spec!;
        return {
          initName: pod.initContainers![0].name,
          initEnv: pod.initContainers![0].env,
          seedFormat: pod.containers[0].env!.find(e => e.name === 'SEED_FORMAT')
            ?.value,
          seedConfigMap: find(objects, 'ConfigMap', 'postgres-seed'),
        };
      },
      expected: {
        initName: 'download',
        initEnv: [
          { name: 'SEED_URL', value: 'https://dumps.example.com/orders.dump' },
        ],
        seedFormat: 'custom',
        seedConfigMap: undefined,
      },
    },
    {
      name: 'a shared server gets only the Secret; the database is not recreated by the Job',
      spec: {
        ...base,
        databases: { postgres: { seed: { dump: 'db/orders.sql' } } },
      },
      inputs: {
        passwords: { postgres: 'p' },
        seedDump: dump,
        sharedPostgres: {
          host: 'pg.shared.svc',
          port: 5433,
          database: 'previews_x',
          user: 'previews_x',
        },
      },
      facts: objects => ({
        statefulSet: find(objects, 'StatefulSet', 'postgres'),
        service: find(objects, 'Service', 'postgres'),
        url: decode(find<V1Secret>(objects, 'Secret', 'postgres')).url,
        recreates: find<V1Job>(objects, 'Job', 'seed-g1')
          .spec!.template.spec!.containers[0].env!.map(e => e.name)
          .includes('RECREATE'),
      }),
      expected: {
        statefulSet: undefined,
        service: undefined,
        url: 'postgresql://previews_x:p@pg.shared.svc:5433/previews_x',
        recreates: false,
      },
    },
    {
      name: 'redis and mongodb get servers and URLs, and no wait without postgres',
      spec: {
        ...base,
        databases: {
          redis: { image: 'redis:7-alpine' },
          mongodb: { env: 'MONGO' },
        },
      },
      inputs: { passwords: { redis: 'r', mongodb: 'm' } },
      facts: objects => {
        const pod = find<V1Deployment>(objects, 'Deployment', 'api').spec!
          .template.spec!;
        return {
          redisImage: find<V1StatefulSet>(objects, 'StatefulSet', 'redis').spec!
            .template.spec!.containers[0].image,
          mongodbImage: find<V1StatefulSet>(objects, 'StatefulSet', 'mongodb')
            .spec!.template.spec!.containers[0].image,
          redisUrl: decode(find<V1Secret>(objects, 'Secret', 'redis')).url,
          initContainers: pod.initContainers,
          env: pod.containers[0].env!.map(e => e.name),
          jobs: jobsOf(objects),
        };
      },
      expected: {
        redisImage: 'redis:7-alpine',
        mongodbImage: 'mongo:7',
        redisUrl: 'redis://:r@redis:6379/0',
        initContainers: undefined,
        env: ['REDIS_URL', 'MONGO'],
        jobs: [],
      },
    },
    {
      name: 'a spec without databases renders none of it',
      spec: { workloads: base.workloads },
      inputs: { passwords: {} },
      facts: objects => {
        const pod = find<V1Deployment>(objects, 'Deployment', 'api').spec!
          .template.spec!;
        return {
          databaseObjects: objects.filter(o =>
            ['StatefulSet', 'Job'].includes(o.kind!),
          ),
          initContainers: pod.initContainers,
          env: pod.containers[0].env,
        };
      },
      expected: {
        databaseObjects: [],
        initContainers: undefined,
        env: undefined,
      },
    },
  ];
  it.each(cases)('$name', ({ spec, inputs: i, facts, expected }) => {
    expect(
      facts(
        renderPreviewObjects(
          { ...orders, spec: validatePreviewSpec(spec) },
          {},
          {},
          i,
        ),
      ),
    ).toEqual(expected);
  });

  it('refuses to render without a prepared password or a read dump', () => {
    expect(() =>
      renderPreviewObjects(orders, {}, {}, { passwords: {}, seedDump: dump }),
    ).toThrow(/No password/);
    expect(() =>
      renderPreviewObjects(orders, {}, {}, { passwords: { postgres: 'p' } }),
    ).toThrow(/was not read/);
  });

  it.each([
    [{ image: 'ghcr.io/acme/db:v3' }, 'v3'],
    [{ image: 'localhost:5000/db' }, 'latest'],
    [{ image: 'ghcr.io/acme/db@sha256:abc' }, 'sha256:abc'],
    [{ url: 'https://x/o.sql' }, 'https://x/o.sql'],
    [{ url: 'https://x/o.sql', version: '42' }, '42'],
  ])('the version of seed %j is %s', (seed, version) => {
    expect(seedVersion({ seed }, { passwords: {} })).toBe(version);
  });

  it.each([
    ['seed', SEED_SCRIPT],
    ['wait', WAIT_SCRIPT],
    ['mark-migrated', MARK_MIGRATED_SCRIPT],
  ])('the %s script is valid sh', (_, script) => {
    expect(() => execFileSync('sh', ['-n', '-c', script])).not.toThrow();
  });
});

describe('the example catalog', () => {
  it('has a valid database spec for orders-reporting that renders', () => {
    const docs = parseAllDocuments(
      readFileSync(
        resolve(__dirname, '../../../../../examples/entities.yaml'),
        'utf8',
      ),
    ).map((d: any) => d.toJS());
    const entity = docs.find(
      (d: any) => d?.metadata?.name === 'orders-reporting',
    );
    const spec = validatePreviewSpec(
      parse(entity.metadata.annotations['backstage-previews.io/spec']),
    );
    const objects = renderPreviewObjects(
      { ...orders, spec },
      {},
      {},
      { passwords: { postgres: 'p', redis: 'r' } },
    );
    expect(jobsOf(objects).map(j => j.metadata!.name)).toEqual([
      'seed-g1',
      expect.stringMatching(/^migrate-g1-/),
    ]);
    expect(
      find<V1Job>(objects, 'Job', 'seed-g1').metadata!.annotations![
        'backstage-previews.io/seed-version'
      ],
    ).toBe('orders-v1');
  });
});
