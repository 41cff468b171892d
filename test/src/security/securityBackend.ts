import crypto from 'node:crypto';
import request from 'supertest';
import knexFactory, { Knex } from 'knex';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  DefaultEventsService,
  eventsServiceRef,
} from '@backstage/plugin-events-node';
import { Entity } from '@backstage/catalog-model';
import type { KubeConfig } from '@kubernetes/client-node';
import { previewsDefaultModules } from '../../../plugins/previews-backend/src/features';
import { previewsPlugin } from '../../../plugins/previews-backend/src/plugin';
import { loadK8s } from '../../../plugins/previews-backend/src/engines/shared/loadKubeConfig';
import { FakeGitHub } from '../../github/fakeGitHub';
import { testKubeconfigPath } from '../../cluster/testCluster';
import { CapturingLogger } from './capturingLogger';

/** The repository the security tests' components live in (on the fake GitHub). */
export const SEC_REPO = 'acme/sec-shop';

/** A component with previews enabled, one workload, in SEC_REPO. */
export function secComponent(
  name: string,
  annotations: Record<string, string> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'backstage-previews.io/enabled': 'true',
        'backstage-previews.io/image': 'registry.local/sec:{branch}',
        'backstage-previews.io/port': '8080',
        'github.com/project-slug': SEC_REPO,
        ...annotations,
      },
    },
    spec: { type: 'service', lifecycle: 'experimental', owner: 'guests' },
  };
}

/** The body and headers GitHub would send for a webhook delivery, signed with `secret`. */
export function signedDelivery(
  event: string,
  payload: unknown,
  secret: string,
  deliveryId: string,
) {
  const body = JSON.stringify(payload);
  const signature = `sha256=${crypto
    .createHmac('sha256', secret)
    .update(body)
    .digest('hex')}`;
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': deliveryId,
      'x-hub-signature-256': signature,
    },
  };
}

/**
 * The previews backend as a portal runs it, for the security tests: the
 * plugin on the real test cluster, the events backend with the GitHub
 * webhook module (signature checks), GitHub on a loopback fake, a SQLite
 * database the test can count rows in, and a logger that keeps every line.
 */
export async function startSecurityBackend(options: {
  entities: Entity[];
  webhookSecret: string;
  githubToken: string;
  /** Extra `previews` config (merged over the defaults). */
  previews?: Record<string, unknown>;
  /** Extra `previews.kubernetes` config (merged over the test cluster's kubeconfig). */
  kubernetes?: Record<string, unknown>;
  /** Extra top-level config. */
  config?: Record<string, unknown>;
  extraFeatures?: any[];
  /** Use this knex (e.g. Postgres) instead of a fresh SQLite database. */
  knex?: Knex;
}) {
  const github = new FakeGitHub();
  await github.start();
  const logs = new CapturingLogger();
  const knex =
    options.knex ??
    knexFactory({
      client: 'better-sqlite3',
      connection: { filename: ':memory:' },
      useNullAsDefault: true,
    });
  const kubeconfig = testKubeconfigPath();
  const k8s = await loadK8s();
  const kc: KubeConfig = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  // One events bus for all plugins of this process, from the webhook ingress to the previews plugin.
  const bus = DefaultEventsService.create({
    logger: logs,
    useEventBus: 'never',
  });
  const backend = await startTestBackend({
    features: [
      createServiceFactory({
        service: eventsServiceRef,
        deps: { plugin: coreServices.pluginMetadata },
        factory: ({ plugin }) => bus.forPlugin(plugin.getId()),
      }),
      previewsPlugin,
      ...previewsDefaultModules,
      import('@backstage/plugin-events-backend'),
      import('@backstage/plugin-events-backend-module-github'),
      logs.factory(),
      ...(options.extraFeatures ?? []),
      catalogServiceMock.factory({ entities: options.entities }),
      // The previews plugin's database is `knex`; other plugins get their own.
      createServiceFactory({
        service: coreServices.database,
        deps: { plugin: coreServices.pluginMetadata },
        factory: ({ plugin }) => {
          const client =
            plugin.getId() === 'previews'
              ? knex
              : knexFactory({
                  client: 'better-sqlite3',
                  connection: { filename: ':memory:' },
                  useNullAsDefault: true,
                });
          return { getClient: async () => client };
        },
      }),
      mockServices.rootConfig.factory({
        data: {
          integrations: {
            github: [
              {
                host: 'github.test',
                apiBaseUrl: github.url,
                token: options.githubToken,
              },
            ],
          },
          events: {
            modules: { github: { webhookSecret: options.webhookSecret } },
          },
          ...options.config,
          previews: {
            baseDomain: 'previews.test',
            urlScheme: 'http',
            reconcileIntervalSeconds: 2,
            orphanSweep: { enabled: false },
            kubernetes: { kubeconfig, ...options.kubernetes },
            github: {
              host: 'github.test',
              label: 'preview',
              requestTimeoutSeconds: 2,
              pollIntervalMinutes: 600,
            },
            ...options.previews,
          },
        },
      }),
    ],
  });
  const api = () => request(backend.server);
  return {
    backend,
    api,
    github,
    logs,
    knex,
    k8s,
    kc,
    /**
     * Namespaces of previews whose component name starts with one of
     * `prefixes`. Test files share the cluster and may run at once, so each
     * passes prefixes that only its own components have.
     */
    async namespaces(...prefixes: string[]): Promise<string[]> {
      const list = await kc.makeApiClient(k8s.CoreV1Api).listNamespace({
        labelSelector: 'app.kubernetes.io/managed-by=backstage-previews',
      });
      return list.items
        .filter(ns => {
          const ref =
            ns.metadata?.annotations?.['backstage-previews.io/entity-ref'] ??
            '';
          return prefixes.some(prefix =>
            ref.startsWith(`component:default/${prefix}`),
          );
        })
        .filter(ns => !ns.metadata?.deletionTimestamp)
        .map(ns => ns.metadata!.name!)
        .sort();
    },
    async stop() {
      await backend.stop();
      await github.stop();
      if (!options.knex) await knex.destroy();
    },
  };
}

export type SecurityBackend = Awaited<ReturnType<typeof startSecurityBackend>>;
