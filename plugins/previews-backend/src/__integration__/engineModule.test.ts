import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  PreviewSpec,
  PreviewStatus,
} from '@backstage-previews/plugin-previews-common';
import {
  PreviewDeployment,
  PreviewEngine,
  PreviewObservation,
  PreviewObserver,
  PreviewTarget,
  previewsEnginesExtensionPoint,
  previewsStatusListenersExtensionPoint,
} from '@backstage-previews/plugin-previews-node';
import { startPreviewsTestBackend } from '../__testUtils__/testBackend';
import { previewComponent } from '../testUtils';

/**
 * A third engine, added the way an adopter would add one: a backend module
 * on the engines extension point. It "serves" a preview as soon as it is
 * deployed. Nothing in cost, lifecycle, dependency wiring or the UI names it.
 */
class StaticSiteEngine implements PreviewEngine {
  readonly id = 'static-site';
  readonly title = 'Static site';
  readonly deployed = new Map<string, PreviewDeployment>();
  readonly destroyed: string[] = [];
  private observer?: PreviewObserver;

  async deploy(d: PreviewDeployment) {
    this.deployed.set(d.name, d);
    // Reported from outside the request, as a real engine's watch would.
    setTimeout(
      () =>
        void this.observer?.({
          name: d.name,
          previewId: d.previewId,
          state: 'available',
        }),
      50,
    );
  }
  async destroy(target: PreviewTarget) {
    this.deployed.delete(target.name);
    this.destroyed.push(target.name);
    setTimeout(
      () => void this.observer?.({ name: target.name, state: 'absent' }),
      50,
    );
  }
  async observe(target: PreviewTarget): Promise<PreviewObservation> {
    const d = this.deployed.get(target.name);
    return d
      ? { name: d.name, previewId: d.previewId, state: 'available' }
      : { name: target.name, state: 'absent' };
  }
  async track(observer: PreviewObserver) {
    this.observer = observer;
    return { stop: async () => void (this.observer = undefined) };
  }
  linksOf(target: PreviewTarget) {
    return [
      {
        title: 'Static site logs',
        url: `https://logs.example.test/${target.name}`,
      },
    ];
  }
  requestsOf(spec: PreviewSpec) {
    return {
      app: { cpuCores: spec.workloads.length, memoryGiB: 1 },
      databases: { cpuCores: 0, memoryGiB: 0 },
      storageGiB: 0,
    };
  }
}

describe('an engine added as a module', () => {
  it('runs previews through create, ready and destroyed, with links, cost, expiry and status listeners', async () => {
    const engine = new StaticSiteEngine();
    const heard: Array<[string, PreviewStatus | undefined]> = [];
    const staticSiteModule = createBackendModule({
      pluginId: 'previews',
      moduleId: 'static-site-engine',
      register(env) {
        env.registerInit({
          deps: {
            engines: previewsEnginesExtensionPoint,
            listeners: previewsStatusListenersExtensionPoint,
          },
          async init({ engines, listeners }) {
            engines.addEngine(engine);
            listeners.addStatusListener({
              onStatusChange: (p, previous) =>
                void heard.push([p.status, previous]),
            });
          },
        });
      },
    });
    const t = await startPreviewsTestBackend({
      entities: [
        previewComponent('docs', {
          'backstage-previews.io/spec': JSON.stringify({
            workloads: [{ name: 'site', image: 'site:{branch}', port: 8080 }],
          }),
        }),
      ],
      previews: {
        defaultEngine: 'static-site',
        cost: { currency: 'EUR', cpuCoreHour: 0.5, memoryGiBHour: 0.25 },
      },
      features: [staticSiteModule],
    });
    try {
      const created = await t.create('docs', 'feature/pages');
      expect(created).toMatchObject({
        engine: 'static-site',
        engineTitle: 'Static site',
        status: 'provisioning',
      });
      expect(engine.deployed.get(created.name)?.spec.workloads[0].image).toBe(
        'site:{branch}',
      );

      const ready = await t.waitForStatus(created.id, 'ready', 10_000);
      expect(ready.links).toEqual([
        {
          title: 'Static site logs',
          url: `https://logs.example.test/${created.name}`,
        },
      ]);
      expect(ready.cost).toMatchObject({ perHour: 0.75, currency: 'EUR' });
      expect(Date.parse(ready.expiresAt!)).toBeGreaterThan(Date.now());

      const destroyed = await t.destroyAndWait(created.id, 10_000);
      expect(destroyed.status).toBe('destroyed');
      expect(engine.destroyed).toEqual([created.name]);
      expect(heard).toEqual([
        ['provisioning', undefined],
        ['ready', 'provisioning'],
        ['destroying', 'ready'],
        ['destroyed', 'destroying'],
      ]);
    } finally {
      await t.stop();
    }
  });
});

describe('a backend whose config names no engine', () => {
  const docs = previewComponent('docs', {
    'backstage-previews.io/spec': JSON.stringify({
      workloads: [{ name: 'site', image: 'site:{branch}', port: 8080 }],
    }),
  });

  it('starts, lists previews and refuses to create one, saying what to configure', async () => {
    // no previews.kubernetes and no previews.argocd: the default modules install no engine
    const t = await startPreviewsTestBackend({ entities: [docs] });
    try {
      const list = await t.api().get('/api/previews/previews');
      expect(list.status).toBe(200);
      expect(list.body.items).toEqual([]);

      const create = await t
        .api()
        .post('/api/previews/previews')
        .send({ entityRef: 'component:default/docs', branch: 'feature/a' });
      expect(create.status).toBe(501);
      expect(create.body.error.message).toMatch(
        /^No preview engine is configured: add a cluster under previews\.kubernetes/,
      );
      // nothing was recorded
      expect((await t.api().get('/api/previews/previews')).body.items).toEqual(
        [],
      );
    } finally {
      await t.stop();
    }
  });

  it('creates on the only installed engine', async () => {
    const engine = new StaticSiteEngine();
    const t = await startPreviewsTestBackend({
      entities: [docs],
      features: [
        createBackendModule({
          pluginId: 'previews',
          moduleId: 'only-engine',
          register(env) {
            env.registerInit({
              deps: { engines: previewsEnginesExtensionPoint },
              async init({ engines }) {
                engines.addEngine(engine);
              },
            });
          },
        }),
      ],
    });
    try {
      const created = await t.create('docs', 'feature/b');
      expect(created.engine).toBe('static-site');
      expect(engine.deployed.has(created.name)).toBe(true);
      await t.destroyAndWait(created.id, 10_000);
    } finally {
      await t.stop();
    }
  });
});
