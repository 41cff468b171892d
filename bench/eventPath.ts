import { AddressInfo } from 'node:net';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  createServiceFactory,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  DefaultEventsService,
  eventsServiceRef,
} from '@backstage/plugin-events-node';
import { Entity } from '@backstage/catalog-model';
import type { KubeConfig, V1Ingress } from '@kubernetes/client-node';
import { previewsDefaultModules } from '../plugins/previews-backend/src/features';
import { previewsPlugin } from '../plugins/previews-backend/src/plugin';
import { FakeGitHub } from '../test/github/fakeGitHub';
import { waitFor } from './stats';
import { firstOk } from './previewUrl';

const REPO = 'acme/bench';

/**
 * P1 through the webhook path: a `github.pull_request` labeled event published
 * to the backend's events service, until the apiserver has accepted the last
 * object of the preview (its Ingress, applied in the last stage), seen by a
 * watch of this process. GitHub is a loopback stand-in.
 *
 * With `untilHttpOk` (P7) it measures instead until the preview's URL first
 * answers 200 through the cluster's reverse proxy on that port: pods pulled,
 * started, ready, routed.
 */
export async function measureLabeledToObjects(options: {
  k8s: typeof import('@kubernetes/client-node');
  kc: KubeConfig;
  kubeconfig: string;
  spec: unknown;
  count: number;
  run: string;
  untilHttpOk?: { proxyPort: number };
  /** Branch and delivery prefix, so that two measurements never share names. */
  prefix?: string;
}): Promise<number[]> {
  const prefix = options.prefix ?? 'event';
  const { k8s, kc, count, run } = options;
  const github = new FakeGitHub();
  await github.start();
  const quiet: LoggerService = {
    error: () => {},
    warn: () => {},
    info: () => {},
    debug: () => {},
    child: () => quiet,
  };
  const events = DefaultEventsService.create({ logger: quiet });
  const entity: Entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'bench-gh',
      namespace: 'default',
      annotations: {
        'backstage-previews.io/enabled': 'true',
        'backstage-previews.io/spec': JSON.stringify(options.spec),
        'github.com/project-slug': REPO,
      },
    },
    spec: { type: 'service', lifecycle: 'experimental', owner: 'guests' },
  };
  const backend = await startTestBackend({
    features: [
      previewsPlugin,
      ...previewsDefaultModules,
      schedulerServiceFactory,
      createServiceFactory({
        service: eventsServiceRef,
        deps: {},
        factory: () => events.forPlugin('previews'),
      }),
      catalogServiceMock.factory({ entities: [entity] }),
      mockServices.rootConfig.factory({
        data: {
          integrations: {
            github: [
              { host: 'github.test', apiBaseUrl: github.url, token: 't' },
            ],
          },
          previews: {
            baseDomain: 'previews.bench',
            // The bench times the app's own first answer: public URLs, no forward-auth round trip.
            access: { mode: 'public' },
            orphanSweep: { enabled: false },
            kubernetes: { kubeconfig: options.kubeconfig },
            github: {
              host: 'github.test',
              label: 'preview',
              pollIntervalMinutes: 60,
            },
          },
        },
      }),
    ],
  });
  const { port } = backend.server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}/api/previews`;

  // When each preview's Ingress was accepted, from a watch of this process.
  const accepted = new Map<string, number>();
  const hosts = new Map<string, string>();
  const watch = new k8s.Watch(kc);
  const abort = await watch.watch(
    '/apis/networking.k8s.io/v1/ingresses',
    { labelSelector: 'app.kubernetes.io/managed-by=backstage-previews' },
    (type: string, obj: V1Ingress) => {
      const branch =
        obj.metadata?.annotations?.['backstage-previews.io/branch'];
      if (type === 'ADDED' && branch && !accepted.has(branch)) {
        accepted.set(branch, performance.now());
        if (obj.spec?.rules?.[0]?.host)
          hosts.set(branch, obj.spec.rules[0].host);
      }
    },
    () => undefined,
  );

  const samples: number[] = [];
  const send = (action: string, n: number) =>
    events.publish({
      topic: 'github.pull_request',
      eventPayload: {
        action,
        number: n,
        label: { name: 'preview' },
        pull_request: github.pullJson(REPO, github.repo(REPO).pulls.get(n)!),
        repository: {
          full_name: REPO,
          html_url: `https://github.test/${REPO}`,
        },
      },
      metadata: {
        'x-github-event': 'pull_request',
        'x-github-delivery': `bench-${prefix}-${run}-${action}-${n}`,
      },
    });
  try {
    for (let i = 0; i < count; i++) {
      const n = 1000 + i;
      const branch = `${prefix}-${run}-${i}`;
      github.addPull(REPO, {
        number: n,
        title: `Bench ${i}`,
        head: {
          ref: branch,
          sha: (i.toString(16).padStart(2, '0') + 'a'.repeat(38)).slice(0, 40),
        },
        base: { ref: 'main' },
        labels: ['preview'],
      });
      const t = performance.now();
      await send('labeled', n);
      await waitFor(
        `the objects of ${branch}`,
        async () => accepted.has(branch),
        60_000,
        2,
      );
      if (options.untilHttpOk) {
        samples.push(
          (await firstOk(options.untilHttpOk.proxyPort, hosts.get(branch)!)) -
            t,
        );
      } else {
        samples.push(accepted.get(branch)! - t);
      }
    }
    for (let i = 0; i < count; i++) {
      const n = 1000 + i;
      github.updatePull(REPO, n, { state: 'closed' });
      await send('closed', n);
    }
    await waitFor(
      'event previews destroyed',
      async () => {
        const list = await fetch(
          `${base}/previews?entityRef=component:default/bench-gh`,
        ).then(r => r.json());
        return list.items.length === 0;
      },
      600_000,
      1000,
    );
  } finally {
    abort.abort();
    await backend.stop();
    await github.stop();
  }
  return samples;
}
