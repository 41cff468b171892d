import type {
  V1Container,
  V1EnvVar,
  V1Secret,
  V1Service,
  V1StatefulSet,
} from '@kubernetes/client-node';
import {
  PreviewDatabasesSpec,
  PreviewMongoDbSpec,
  PreviewPostgresSpec,
  PreviewRedisSpec,
} from '@backstage-previews/plugin-previews-common';
import { PreviewDeployment } from '@backstage-previews/plugin-previews-node';
import {
  objectMeta,
  previewAnnotations,
  previewLabels,
} from './renderMetadata';
import { containerUser, previewPodBasics } from './renderWorkloads';
import { PREVIEW_NAME_LABEL } from '../shared/labels';
import { componentLabels } from '../shared/componentLabels';

/** The backing services a preview may declare; each gets objects of this name. */
export type DatabaseKind = 'postgres' | 'redis' | 'mongodb';
export const DATABASE_KINDS: readonly DatabaseKind[] = [
  'postgres',
  'redis',
  'mongodb',
];

/** Label telling a backing service's objects and pods apart from the workloads'. */
export const DATABASE_LABEL = 'backstage-previews.io/database';
/** On the pod template of a seed image's server: a reseed restarts it (fresh data from the image). */
export const SEED_GENERATION_ANNOTATION =
  'backstage-previews.io/seed-generation';

export const DEFAULT_POSTGRES_VERSION = '16';
export const DEFAULT_REDIS_VERSION = '7';
export const DEFAULT_MONGODB_VERSION = '7';
export const DEFAULT_STORAGE = '1Gi';
export const DEFAULT_DATABASE = 'app';
export const DEFAULT_POSTGRES_USER = 'preview';
export const DEFAULT_ENV: Readonly<Record<DatabaseKind, string>> = {
  postgres: 'DATABASE_URL',
  redis: 'REDIS_URL',
  mongodb: 'MONGODB_URL',
};
const PORTS: Readonly<Record<DatabaseKind, number>> = {
  postgres: 5432,
  redis: 6379,
  mongodb: 27017,
};

/** Where a preview's PostgreSQL database lives when it is on the shared server. */
export interface SharedPostgresConnection {
  /** Host and port as seen from the preview's pods. */
  host: string;
  port: number;
  database: string;
  user: string;
}

/**
 * What the engine found or prepared for the backing services before
 * rendering: stable passwords (read back from the existing Secrets, else
 * new random ones), the dump read from the repository, the shared server.
 */
export interface DatabaseInputs {
  passwords: Partial<Record<DatabaseKind, string>>;
  /** A `seed.dump` read from the component's repository (base64) and its version. */
  seedDump?: { data: string; version: string };
  /** Set when the preview's PostgreSQL database is on the shared server. */
  sharedPostgres?: SharedPostgresConnection;
  /** Image of the job that downloads a `seed.url` dump. */
  downloadImage?: string;
}

export const DEFAULT_DOWNLOAD_IMAGE = 'curlimages/curl:8.10.1';
/**
 * The uid of that image's `curl_user`: it declares the user by name, which
 * the kubelet cannot check against `runAsNonRoot`, so it is given by number.
 */
export const DEFAULT_DOWNLOAD_UID = 100;

/**
 * The uid of the postgres, redis and mongodb users in the official images
 * (Debian variants). Those images start as root and switch users, which a
 * `restricted` namespace refuses, so their pods start as this uid directly.
 */
export const OFFICIAL_DATABASE_UID = 999;

/**
 * The uid a database server runs as: the spec's `runAsUser`; else the
 * official image's (a PostgreSQL seed image is built from it); else, for a
 * custom image, the user it declares.
 */
export function databaseUser(db: {
  image?: string;
  runAsUser?: number;
}): number | undefined {
  return (
    db.runAsUser ?? (db.image === undefined ? OFFICIAL_DATABASE_UID : undefined)
  );
}

/** The uid of a container of the PostgreSQL image: the server's, or its client tools' in the Jobs. */
export function postgresClientUser(
  pg: PreviewPostgresSpec,
): Pick<V1Container, 'securityContext'> {
  return containerUser(databaseUser(pg));
}

/** The image of the PostgreSQL server (and of its client tools in the Jobs). */
export function postgresImage(pg: PreviewPostgresSpec): string {
  return pg.image ?? `postgres:${pg.version ?? DEFAULT_POSTGRES_VERSION}`;
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

function requirePassword(inputs: DatabaseInputs, kind: DatabaseKind): string {
  const password = inputs.passwords[kind];
  // Rendering without one would write an empty password into the Secret.
  if (!password)
    throw new Error(`No password was prepared for the ${kind} of the preview`);
  return password;
}

/** The connection settings of PostgreSQL, per preview server or shared. */
export function postgresConnection(
  pg: PreviewPostgresSpec,
  inputs: DatabaseInputs,
) {
  const shared = inputs.sharedPostgres;
  return {
    host: shared?.host ?? 'postgres',
    port: shared?.port ?? PORTS.postgres,
    database: shared?.database ?? pg.database ?? DEFAULT_DATABASE,
    user: shared?.user ?? pg.user ?? DEFAULT_POSTGRES_USER,
    password: requirePassword(inputs, 'postgres'),
  };
}

/** The Secret of a backing service: its connection settings and URL (base64 data, stable for SSA). */
function credentialsSecret(
  d: PreviewDeployment,
  kind: DatabaseKind,
  values: Record<string, string>,
): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: objectMeta(d, kind, { labels: { [DATABASE_LABEL]: kind } }),
    type: 'Opaque',
    data: Object.fromEntries(
      Object.entries(values).map(([k, v]) => [k, b64(v)]),
    ),
  };
}

function service(d: PreviewDeployment, kind: DatabaseKind): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: objectMeta(d, kind, { labels: { [DATABASE_LABEL]: kind } }),
    spec: {
      type: 'ClusterIP',
      selector: { ...databaseSelector(d, kind) },
      ports: [
        {
          name: kind,
          port: PORTS[kind],
          targetPort: PORTS[kind],
          protocol: 'TCP',
        },
      ],
    },
  };
}

function databaseSelector(d: PreviewDeployment, kind: DatabaseKind) {
  return { [PREVIEW_NAME_LABEL]: d.name, [DATABASE_LABEL]: kind };
}

/** An env var read from a key of the backing service's Secret. */
export function secretEnv(name: string, secret: string, key: string): V1EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: secret, key } } };
}

function statefulSet(
  d: PreviewDeployment,
  kind: DatabaseKind,
  container: V1Container,
  options: {
    /** Its volume; none keeps the data in the container (a seed image). */
    storage?: { size: string; mountPath: string };
    podAnnotations?: Record<string, string>;
    /** The server's uid (see databaseUser); its volume is made writable to that group. */
    runAs?: number;
  },
): V1StatefulSet {
  const { storage, podAnnotations = {}, runAs } = options;
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: objectMeta(d, kind, { labels: { [DATABASE_LABEL]: kind } }),
    spec: {
      serviceName: kind,
      replicas: 1,
      selector: { matchLabels: databaseSelector(d, kind) },
      template: {
        metadata: {
          labels: {
            ...previewLabels(d),
            ...componentLabels(d),
            [DATABASE_LABEL]: kind,
          },
          annotations: { ...previewAnnotations(d), ...podAnnotations },
        },
        spec: {
          ...previewPodBasics(d.spec),
          ...(runAs !== undefined
            ? {
                securityContext: {
                  runAsUser: runAs,
                  runAsGroup: runAs,
                  fsGroup: runAs,
                },
              }
            : {}),
          containers: [
            {
              ...container,
              ports: [
                { name: kind, containerPort: PORTS[kind], protocol: 'TCP' },
              ],
              ...(storage
                ? {
                    volumeMounts: [
                      { name: 'data', mountPath: storage.mountPath },
                    ],
                  }
                : {}),
            },
          ],
        },
      },
      ...(storage
        ? {
            volumeClaimTemplates: [
              {
                apiVersion: 'v1',
                kind: 'PersistentVolumeClaim',
                metadata: {
                  name: 'data',
                  labels: { ...previewLabels(d), [DATABASE_LABEL]: kind },
                },
                spec: {
                  accessModes: ['ReadWriteOnce'],
                  resources: { requests: { storage: storage.size } },
                },
              },
            ],
          }
        : {}),
    },
  };
}

export function renderPostgres(
  d: PreviewDeployment,
  pg: PreviewPostgresSpec,
  inputs: DatabaseInputs,
) {
  const c = postgresConnection(pg, inputs);
  const url = `postgresql://${encodeURIComponent(c.user)}:${encodeURIComponent(
    c.password,
  )}@${c.host}:${c.port}/${c.database}`;
  const secret = credentialsSecret(d, 'postgres', {
    host: c.host,
    port: String(c.port),
    database: c.database,
    user: c.user,
    password: c.password,
    url,
  });
  // On the shared server the backend created the database: only the Secret here.
  if (inputs.sharedPostgres) return [secret];
  const seedImage = pg.seed?.image;
  const server = statefulSet(
    d,
    'postgres',
    {
      name: 'postgres',
      image: seedImage ?? postgresImage(pg),
      env: [
        secretEnv('POSTGRES_USER', 'postgres', 'user'),
        secretEnv('POSTGRES_PASSWORD', 'postgres', 'password'),
        secretEnv('POSTGRES_DB', 'postgres', 'database'),
        ...(seedImage
          ? []
          : [{ name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' }]),
      ],
      readinessProbe: {
        exec: {
          command: [
            'sh',
            '-c',
            'pg_isready -q -U "$POSTGRES_USER" -d "$POSTGRES_DB"',
          ],
        },
        periodSeconds: 5,
      },
    },
    {
      // A seed image holds its data in the image: no volume, so a restart
      // (each reseed) starts from the image's data again.
      storage: seedImage
        ? undefined
        : {
            size: pg.storage ?? DEFAULT_STORAGE,
            mountPath: '/var/lib/postgresql/data',
          },
      podAnnotations: seedImage
        ? { [SEED_GENERATION_ANNOTATION]: String(d.seedGeneration ?? 1) }
        : {},
      runAs: databaseUser(pg),
    },
  );
  return [secret, server, service(d, 'postgres')];
}

export function renderRedis(
  d: PreviewDeployment,
  redis: PreviewRedisSpec,
  inputs: DatabaseInputs,
) {
  const password = requirePassword(inputs, 'redis');
  const secret = credentialsSecret(d, 'redis', {
    host: 'redis',
    port: String(PORTS.redis),
    password,
    url: `redis://:${encodeURIComponent(password)}@redis:${PORTS.redis}/0`,
  });
  const server = statefulSet(
    d,
    'redis',
    {
      name: 'redis',
      image: redis.image ?? `redis:${redis.version ?? DEFAULT_REDIS_VERSION}`,
      env: [secretEnv('REDIS_PASSWORD', 'redis', 'password')],
      command: [
        'sh',
        '-c',
        'exec redis-server --requirepass "$REDIS_PASSWORD"',
      ],
      readinessProbe: { tcpSocket: { port: PORTS.redis }, periodSeconds: 5 },
    },
    { runAs: databaseUser(redis) },
  );
  return [secret, server, service(d, 'redis')];
}

export function renderMongoDb(
  d: PreviewDeployment,
  mongo: PreviewMongoDbSpec,
  inputs: DatabaseInputs,
) {
  const password = requirePassword(inputs, 'mongodb');
  const database = mongo.database ?? DEFAULT_DATABASE;
  const secret = credentialsSecret(d, 'mongodb', {
    host: 'mongodb',
    port: String(PORTS.mongodb),
    database,
    user: 'preview',
    password,
    url: `mongodb://preview:${encodeURIComponent(password)}@mongodb:${
      PORTS.mongodb
    }/${database}?authSource=admin`,
  });
  const server = statefulSet(
    d,
    'mongodb',
    {
      name: 'mongodb',
      image: mongo.image ?? `mongo:${mongo.version ?? DEFAULT_MONGODB_VERSION}`,
      env: [
        secretEnv('MONGO_INITDB_ROOT_USERNAME', 'mongodb', 'user'),
        secretEnv('MONGO_INITDB_ROOT_PASSWORD', 'mongodb', 'password'),
        secretEnv('MONGO_INITDB_DATABASE', 'mongodb', 'database'),
      ],
      readinessProbe: { tcpSocket: { port: PORTS.mongodb }, periodSeconds: 5 },
    },
    {
      storage: {
        size: mongo.storage ?? DEFAULT_STORAGE,
        mountPath: '/data/db',
      },
      runAs: databaseUser(mongo),
    },
  );
  return [secret, server, service(d, 'mongodb')];
}

/** The kinds of backing service a spec declares. */
export function declaredDatabases(spec: {
  databases?: PreviewDatabasesSpec;
}): DatabaseKind[] {
  return DATABASE_KINDS.filter(k => spec.databases?.[k] !== undefined);
}

/** The Secrets, StatefulSets and Services of every backing service of the preview. */
export function renderDatabases(d: PreviewDeployment, inputs: DatabaseInputs) {
  const dbs = d.spec.databases ?? {};
  return [
    ...(dbs.postgres ? renderPostgres(d, dbs.postgres, inputs) : []),
    ...(dbs.redis ? renderRedis(d, dbs.redis, inputs) : []),
    ...(dbs.mongodb ? renderMongoDb(d, dbs.mongodb, inputs) : []),
  ];
}

/** Env vars with the connection URLs that every workload of the preview gets. */
export function databaseEnv(spec: {
  databases?: PreviewDatabasesSpec;
}): V1EnvVar[] {
  return declaredDatabases(spec).map(kind =>
    secretEnv(spec.databases?.[kind]?.env ?? DEFAULT_ENV[kind], kind, 'url'),
  );
}
