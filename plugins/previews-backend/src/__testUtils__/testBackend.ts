import request from 'supertest';
import { Knex } from 'knex';
import { BackendFeature } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Entity } from '@backstage/catalog-model';
import { JsonObject } from '@backstage/types';
import { Preview } from '@backstage-previews/plugin-previews-common';
import { previewsDefaultModules } from '../features';
import { previewsPlugin } from '../plugin';
import { waitFor } from '../testUtils';

/** What an integration test gives the backend it starts. */
export interface PreviewsTestBackendOptions {
  /** The catalog's entities. */
  entities: Entity[];
  /** `previews` config over the test defaults (previews.test over http, reconcile every 2 s, no orphan sweep). */
  previews?: JsonObject;
  /** A database of the test's own (shared across restarts); default: the backend's own. */
  knex?: Knex;
  /** Runs each scheduled task once at startup (the reconcile, the orphan sweep). */
  runTasksAtStartup?: boolean;
  /** Modules and service factories beside the plugin. */
  features?: BackendFeature[];
  /** Config beside `previews` (e.g. `integrations`, `app`). */
  rootConfig?: JsonObject;
}

export type PreviewsTestBackend = Awaited<
  ReturnType<typeof startPreviewsTestBackend>
>;

/**
 * The previews plugin in a test backend, with the catalog and config the test
 * gives, and the REST calls integration tests make.
 */
export async function startPreviewsTestBackend(
  options: PreviewsTestBackendOptions,
) {
  const backend = await startTestBackend({
    features: [
      previewsPlugin,
      ...previewsDefaultModules,
      mockServices.scheduler.factory(
        options.runTasksAtStartup
          ? { includeInitialDelayedTasksOnStartup: true }
          : undefined,
      ),
      catalogServiceMock.factory({ entities: options.entities }),
      ...(options.knex
        ? [mockServices.database.factory({ knex: options.knex })]
        : []),
      mockServices.rootConfig.factory({
        data: {
          ...options.rootConfig,
          previews: {
            baseDomain: 'previews.test',
            urlScheme: 'http',
            reconcileIntervalSeconds: 2,
            orphanSweep: { enabled: false },
            ...options.previews,
          },
        },
      }),
      ...(options.features ?? []),
    ],
  });
  const api = () => request(backend.server);
  const get = async (id: string): Promise<Preview> =>
    (await api().get(`/api/previews/previews/${id}`)).body;
  const waitForStatus = (id: string, status: string, timeoutMs?: number) =>
    waitFor(
      `preview ${id} to be ${status}`,
      async () => {
        const p = await get(id);
        return p.status === status ? p : undefined;
      },
      timeoutMs,
    );
  return {
    backend,
    api,
    get,
    waitForStatus,
    /** Creates a preview of `component:default/<entity>`; anything but a 201 throws with the answer. */
    async create(
      entity: string,
      branch: string,
      extra: Record<string, unknown> = {},
    ): Promise<Preview> {
      const res = await api()
        .post('/api/previews/previews')
        .send({ entityRef: `component:default/${entity}`, branch, ...extra });
      if (res.status !== 201)
        throw new Error(
          `create ${branch}: ${res.status} ${JSON.stringify(res.body)}`,
        );
      return res.body as Preview;
    },
    /** Asks for the destroy and waits until it is reported. */
    async destroyAndWait(id: string, timeoutMs = 240_000): Promise<Preview> {
      await api().delete(`/api/previews/previews/${id}`);
      return waitForStatus(id, 'destroyed', timeoutMs);
    },
    stop: () => backend.stop(),
  };
}
