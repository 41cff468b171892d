import type {
  V1ConfigMap,
  V1Container,
  V1Deployment,
  V1EnvVar,
  V1Job,
  V1PodSpec,
  V1Volume,
  V1VolumeMount,
} from '@kubernetes/client-node';
import { createHash } from 'node:crypto';
import { PreviewPostgresSpec } from '@backstage-previews/plugin-previews-common';
import { PreviewDeployment } from '@backstage-previews/plugin-previews-node';
import { renderImage } from '../../spec/renderImage';
import {
  objectMeta,
  previewAnnotations,
  previewLabels,
} from './renderMetadata';
import {
  DEFAULT_DOWNLOAD_IMAGE,
  DEFAULT_DOWNLOAD_UID,
  DatabaseInputs,
  databaseEnv,
  postgresClientUser,
  postgresImage,
  renderDatabases,
  secretEnv,
} from './renderDatabases';
import {
  containerUser,
  envConfigMapName,
  previewPodBasics,
  workloadUser,
} from './renderWorkloads';

/** On seed and migrate Jobs and their pods: which step (`seed`, `migrate`). */
export const SEED_STEP_LABEL = 'backstage-previews.io/seed-step';
/** On seed and migrate Jobs and their pods: the seed generation they belong to. */
export const SEED_GENERATION_LABEL = 'backstage-previews.io/seed-generation';
/** On the seed Job: the version of the seed data (git blob SHA of the dump, image tag, URL). */
export const SEED_VERSION_ANNOTATION = 'backstage-previews.io/seed-version';
/** On the seed Job: whether a migrate Job follows it (`true`/`false`). */
export const SEED_MIGRATES_ANNOTATION = 'backstage-previews.io/seed-migrates';
/** ConfigMap holding a dump read from the repository. */
export const SEED_DUMP_CONFIG_MAP = 'postgres-seed';
/** Name of the init container that keeps app pods until the database is seeded and migrated. */
export const WAIT_FOR_DATABASE_CONTAINER = 'wait-for-database';
/** A seed or migrate Job that does not finish in this time fails (a wait that never ends). */
const JOB_DEADLINE_SECONDS = 3600;

export function seedJobName(generation: number): string {
  return `seed-g${generation}`;
}

/**
 * The migrate Job of a generation: named after the command and image too, so
 * a redeploy with a new app image runs the migrations again (Jobs are
 * immutable, and each runs once).
 */
export function migrateJobName(
  generation: number,
  image: string,
  command: string[],
): string {
  const hash = createHash('sha256')
    .update(JSON.stringify([image, command]))
    .digest('hex')
    .slice(0, 8);
  return `migrate-g${generation}-${hash}`;
}

/** Env of every PostgreSQL client container: libpq variables from the credentials Secret. */
function clientEnv(generation: number): V1EnvVar[] {
  return [
    secretEnv('PGHOST', 'postgres', 'host'),
    secretEnv('PGPORT', 'postgres', 'port'),
    secretEnv('PGUSER', 'postgres', 'user'),
    secretEnv('PGPASSWORD', 'postgres', 'password'),
    secretEnv('APP_DB', 'postgres', 'database'),
    { name: 'PGCONNECT_TIMEOUT', value: '5' },
    { name: 'SEED_GENERATION', value: String(generation) },
  ];
}

/**
 * Markers in the app database (schema `backstage_previews`) say how far it
 * got: `seeded` (key: the seed version) and `migrated` (key: the migrate
 * Job). Recreating or restarting the database drops them with the data.
 */
const WRITE_MARKER = `psql -v ON_ERROR_STOP=1 -q -d "$APP_DB" -v step="$MARK_STEP" -v gen="$SEED_GENERATION" -v key="$MARK_KEY" <<'SQL'
CREATE SCHEMA IF NOT EXISTS backstage_previews;
CREATE TABLE IF NOT EXISTS backstage_previews.markers (step text NOT NULL, generation integer NOT NULL, key text NOT NULL, at timestamptz NOT NULL DEFAULT now());
INSERT INTO backstage_previews.markers (step, generation, key) VALUES (:'step', :'gen', :'key');
SQL`;

/**
 * The seed step. `RECREATE=1` (a server of the preview's own): drop and
 * create the database as the superuser, then restore. Otherwise (a seed
 * image restarted by the reseed, or a database the backend recreated on the
 * shared server): wait until the database is fresh, i.e. has no markers.
 */
export const SEED_SCRIPT = `set -eu
echo "waiting for PostgreSQL at $PGHOST:$PGPORT"
until pg_isready -q; do sleep 2; done
# fresh (no markers table), else the newest seeded generation. Two queries: a
# query naming the table fails to parse while it does not exist.
state() {
  missing=$(psql -tAq -d "$APP_DB" -c "SELECT to_regclass('backstage_previews.markers') IS NULL") || return 1
  if [ "$missing" = t ]; then echo fresh; return 0; fi
  psql -tAq -d "$APP_DB" -c "SELECT coalesce(max(generation), 0) FROM backstage_previews.markers WHERE step = 'seeded'"
}
if [ "\${RECREATE:-}" = 1 ]; then
  until psql -q -d postgres -c 'SELECT 1' >/dev/null 2>&1; do sleep 2; done
  echo "recreating database $APP_DB"
  psql -v ON_ERROR_STOP=1 -q -d postgres -v db="$APP_DB" <<'SQL'
SELECT format('DROP DATABASE IF EXISTS %I WITH (FORCE)', :'db') \\gexec
SELECT format('CREATE DATABASE %I', :'db') \\gexec
SQL
else
  until s=$(state 2>/dev/null) && { [ "$s" = fresh ] || [ "$s" -ge "$SEED_GENERATION" ]; }; do
    echo "waiting for a fresh database"; sleep 2
  done
  if [ "$s" != fresh ]; then echo "generation $SEED_GENERATION is seeded already"; exit 0; fi
fi
if [ -n "\${SEED_FILE:-}" ]; then
  echo "restoring $SEED_FILE ($SEED_FORMAT, version \${SEED_VERSION:-unknown})"
  if [ "$SEED_FORMAT" = custom ]; then
    pg_restore --no-owner --no-privileges --exit-on-error -d "$APP_DB" "$SEED_FILE"
  else
    psql -v ON_ERROR_STOP=1 -q -d "$APP_DB" -f "$SEED_FILE"
  fi
fi
MARK_STEP=seeded MARK_KEY="\${SEED_VERSION:-}"
${WRITE_MARKER}
echo "seeded generation $SEED_GENERATION"
`;

/** Waits for a marker: `WAIT_STEP` of this generation (and `WAIT_KEY`, when set). */
export const WAIT_SCRIPT = `until [ "$(printf '%s' "SELECT count(*) FROM backstage_previews.markers WHERE step = :'step' AND generation = :'gen' AND (:'key' = '' OR key = :'key')" | psql -tAq -d "$APP_DB" -v step="$WAIT_STEP" -v gen="$SEED_GENERATION" -v key="$WAIT_KEY" 2>/dev/null)" -ge 1 ] 2>/dev/null; do
  echo "waiting for the database to be $WAIT_STEP (generation $SEED_GENERATION)"; sleep 2
done
`;

export const MARK_MIGRATED_SCRIPT = `set -eu
MARK_STEP=migrated MARK_KEY="$MIGRATE_JOB"
${WRITE_MARKER}
echo "migrated generation $SEED_GENERATION"
`;

/** `sql` or `custom`: given, or from the dump's file name. */
export function seedFormat(pg: PreviewPostgresSpec): 'sql' | 'custom' {
  if (pg.seed?.format) return pg.seed.format;
  const name = pg.seed?.dump ?? pg.seed?.url ?? '';
  return /\.sql(\.[a-z]+)?$/i.test(name.split('?')[0]) ? 'sql' : 'custom';
}

/** The version shown for the seed data. */
export function seedVersion(
  pg: PreviewPostgresSpec,
  inputs: DatabaseInputs,
): string | undefined {
  const seed = pg.seed;
  if (!seed) return undefined;
  if (seed.version) return seed.version;
  if (seed.dump) return inputs.seedDump?.version;
  if (seed.image) {
    const last = seed.image.split('/').pop() ?? '';
    const digest = seed.image.indexOf('@');
    if (digest >= 0) return seed.image.slice(digest + 1);
    return last.includes(':') ? last.slice(last.indexOf(':') + 1) : 'latest';
  }
  return seed.url;
}

function jobPodSpec(d: PreviewDeployment, spec: Partial<V1PodSpec>): V1PodSpec {
  return {
    restartPolicy: 'Never',
    ...previewPodBasics(d.spec),
    containers: [],
    ...spec,
  };
}

function job(
  d: PreviewDeployment,
  name: string,
  step: 'seed' | 'migrate',
  generation: number,
  annotations: Record<string, string>,
  podSpec: V1PodSpec,
): V1Job {
  const stepLabels = {
    [SEED_STEP_LABEL]: step,
    [SEED_GENERATION_LABEL]: String(generation),
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: objectMeta(d, name, { labels: stepLabels, annotations }),
    spec: {
      // One try: the log of the failure is shown, and a reseed is the retry.
      backoffLimit: 0,
      activeDeadlineSeconds: JOB_DEADLINE_SECONDS,
      template: {
        metadata: {
          labels: { ...previewLabels(d), ...stepLabels },
          annotations: previewAnnotations(d),
        },
        spec: podSpec,
      },
    },
  };
}

/** A container whose log tail the kubelet keeps in its termination message when it fails. */
function jobContainer(c: V1Container): V1Container {
  return { ...c, terminationMessagePolicy: 'FallbackToLogsOnError' };
}

/**
 * The seed step of a preview's PostgreSQL database: the ConfigMap with the
 * dump read from the repository (if any) and the seed Job, named after the
 * seed generation so a reseed makes a new one.
 */
export function renderSeed(
  d: PreviewDeployment,
  pg: PreviewPostgresSpec,
  inputs: DatabaseInputs,
): Array<V1ConfigMap | V1Job> {
  const generation = d.seedGeneration ?? 1;
  const seed = pg.seed;
  const objects: Array<V1ConfigMap | V1Job> = [];
  const volumes: V1Volume[] = [];
  const mounts: V1VolumeMount[] = [];
  const initContainers: V1Container[] = [];
  const env: V1EnvVar[] = [...clientEnv(generation)];
  if (!inputs.sharedPostgres && !seed?.image)
    env.push({ name: 'RECREATE', value: '1' });
  if (seed?.dump) {
    if (!inputs.seedDump)
      throw new Error(
        `The seed dump ${seed.dump} of preview ${d.name} was not read`,
      );
    objects.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: objectMeta(d, SEED_DUMP_CONFIG_MAP),
      binaryData: { dump: inputs.seedDump.data },
    });
    volumes.push({ name: 'seed', configMap: { name: SEED_DUMP_CONFIG_MAP } });
    mounts.push({ name: 'seed', mountPath: '/seed', readOnly: true });
    env.push(
      { name: 'SEED_FILE', value: '/seed/dump' },
      { name: 'SEED_FORMAT', value: seedFormat(pg) },
    );
  } else if (seed?.url) {
    volumes.push({ name: 'seed', emptyDir: {} });
    mounts.push({ name: 'seed', mountPath: '/seed' });
    initContainers.push(
      jobContainer({
        name: 'download',
        image: inputs.downloadImage ?? DEFAULT_DOWNLOAD_IMAGE,
        ...containerUser(
          inputs.downloadImage === undefined ? DEFAULT_DOWNLOAD_UID : undefined,
        ),
        command: ['sh', '-c', 'curl -fsSL --retry 3 -o /seed/dump "$SEED_URL"'],
        env: [{ name: 'SEED_URL', value: seed.url }],
        volumeMounts: [{ name: 'seed', mountPath: '/seed' }],
      }),
    );
    env.push(
      { name: 'SEED_FILE', value: '/seed/dump' },
      { name: 'SEED_FORMAT', value: seedFormat(pg) },
    );
  }
  const version = seedVersion(pg, inputs);
  if (version) env.push({ name: 'SEED_VERSION', value: version });
  const annotations: Record<string, string> = {
    [SEED_MIGRATES_ANNOTATION]: String(Boolean(pg.migrate)),
  };
  if (version) annotations[SEED_VERSION_ANNOTATION] = version;
  objects.push(
    job(
      d,
      seedJobName(generation),
      'seed',
      generation,
      annotations,
      jobPodSpec(d, {
        ...(initContainers.length ? { initContainers } : {}),
        containers: [
          jobContainer({
            name: 'seed',
            image: postgresImage(pg),
            ...postgresClientUser(pg),
            command: ['sh', '-c', SEED_SCRIPT],
            env,
            ...(mounts.length ? { volumeMounts: mounts } : {}),
          }),
        ],
        ...(volumes.length ? { volumes } : {}),
      }),
    ),
  );
  return objects;
}

/** The migrate Job: waits for the seed, runs the command in the workload's image, marks the database migrated. */
export function renderMigrate(
  d: PreviewDeployment,
  pg: PreviewPostgresSpec,
): V1Job | undefined {
  const migrate = pg.migrate;
  if (!migrate) return undefined;
  const workload = d.spec.workloads.find(w => w.name === migrate.workload);
  if (!workload)
    throw new Error(
      `The migrate workload ${migrate.workload} is not in the spec of ${d.name}`,
    );
  const generation = d.seedGeneration ?? 1;
  const image = renderImage(workload.image, {
    branch: d.branch,
    sha: d.sha,
    workload: workload.name,
  });
  const name = migrateJobName(generation, image, migrate.command);
  const client = clientEnv(generation);
  return job(
    d,
    name,
    'migrate',
    generation,
    {},
    jobPodSpec(d, {
      initContainers: [
        jobContainer({
          name: 'wait-for-seed',
          image: postgresImage(pg),
          ...postgresClientUser(pg),
          command: ['sh', '-c', WAIT_SCRIPT],
          env: [
            ...client,
            { name: 'WAIT_STEP', value: 'seeded' },
            { name: 'WAIT_KEY', value: '' },
          ],
        }),
        jobContainer({
          name: 'migrate',
          image,
          command: [...migrate.command],
          ...workloadUser(workload),
          envFrom: [
            { configMapRef: { name: envConfigMapName(workload.name) } },
            ...(workload.envFromSecrets ?? []).map(s => ({
              secretRef: { name: s },
            })),
          ],
          env: databaseEnv(d.spec),
        }),
      ],
      containers: [
        jobContainer({
          name: 'mark-migrated',
          image: postgresImage(pg),
          ...postgresClientUser(pg),
          command: ['sh', '-c', MARK_MIGRATED_SCRIPT],
          env: [...client, { name: 'MIGRATE_JOB', value: name }],
        }),
      ],
    }),
  );
}

/** Every seed object of the preview: none without PostgreSQL. */
export function renderSeedJobs(
  d: PreviewDeployment,
  inputs: DatabaseInputs,
): Array<V1ConfigMap | V1Job> {
  const pg = d.spec.databases?.postgres;
  if (!pg) return [];
  const migrate = renderMigrate(d, pg);
  return [...renderSeed(d, pg, inputs), ...(migrate ? [migrate] : [])];
}

/**
 * An app Deployment wired to the backing services: their URLs as env vars,
 * and with PostgreSQL an init container that waits until the database is
 * seeded and migrated for the current generation (so a reseed rolls it).
 * Returns a new object.
 */
export function withDatabases(
  d: PreviewDeployment,
  deployment: V1Deployment,
): V1Deployment {
  const env = databaseEnv(d.spec);
  if (!env.length) return deployment;
  const pg = d.spec.databases?.postgres;
  const podSpec = deployment.spec!.template.spec!;
  const containers = podSpec.containers.map(c => ({
    ...c,
    env: [...(c.env ?? []), ...env],
  }));
  const initContainers = [...(podSpec.initContainers ?? [])];
  if (pg) {
    const generation = d.seedGeneration ?? 1;
    const migrate = renderMigrate(d, pg);
    initContainers.push({
      name: WAIT_FOR_DATABASE_CONTAINER,
      image: postgresImage(pg),
      ...postgresClientUser(pg),
      command: ['sh', '-c', WAIT_SCRIPT],
      env: [
        ...clientEnv(generation),
        { name: 'WAIT_STEP', value: migrate ? 'migrated' : 'seeded' },
        { name: 'WAIT_KEY', value: migrate?.metadata?.name ?? '' },
      ],
    });
  }
  return {
    ...deployment,
    spec: {
      ...deployment.spec!,
      template: {
        ...deployment.spec!.template,
        spec: {
          ...podSpec,
          containers,
          ...(initContainers.length ? { initContainers } : {}),
        },
      },
    },
  };
}

/** The objects of the backing services and the seed steps, for `renderPreviewObjects`. */
export function renderDatabaseObjects(
  d: PreviewDeployment,
  inputs: DatabaseInputs = { passwords: {} },
) {
  if (!d.spec.databases) return [];
  return [...renderDatabases(d, inputs), ...renderSeedJobs(d, inputs)];
}
