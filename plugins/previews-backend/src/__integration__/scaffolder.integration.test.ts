import request from 'supertest';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Entity } from '@backstage/catalog-model';
import { Preview } from '@backstage-previews/plugin-previews-common';
import { testKubeconfigPath } from '@backstage-previews/test/cluster/testCluster';
import { previewsDefaultModules } from '../features';
import { previewsPlugin } from '../plugin';
import { previewsScaffolderModule } from '../scaffolder/scaffolderModule';
import { previewComponent, waitFor } from '../testUtils';

// A software template that opens a preview, run by the real scaffolder
// backend against the previews plugin and the real test cluster.

jest.setTimeout(240_000);

const USER = 'user:default/guest';
const run = Date.now().toString(36);
const component = previewComponent('scaf-shop', {
  'backstage-previews.io/image': 'registry.local/demo:1',
  'backstage-previews.io/port': '8080',
});

const template: Entity = {
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: {
    name: 'open-preview',
    namespace: 'default',
    title: 'Open a preview',
  },
  spec: {
    type: 'service',
    owner: 'guests',
    parameters: [
      {
        title: 'Branch',
        required: ['component', 'branch'],
        properties: {
          component: { type: 'string' },
          branch: { type: 'string' },
        },
      },
    ],
    steps: [
      {
        id: 'preview',
        name: 'Open a preview',
        action: 'previews:create',
        input: {
          entityRef: '${{ parameters.component }}',
          branch: '${{ parameters.branch }}',
          timeoutSeconds: 180,
        },
      },
    ],
    output: {
      links: [{ title: 'Preview', url: '${{ steps.preview.output.url }}' }],
      text: [
        {
          title: 'Preview',
          content:
            '${{ steps.preview.output.name }} is ${{ steps.preview.output.status }}',
        },
      ],
    },
  },
};

describe('the previews:create scaffolder action', () => {
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  const as = { Authorization: mockCredentials.user.header(USER) };

  beforeAll(async () => {
    backend = await startTestBackend({
      features: [
        import('@backstage/plugin-scaffolder-backend'),
        previewsScaffolderModule,
        previewsPlugin,
        ...previewsDefaultModules,
        catalogServiceMock.factory({ entities: [component, template] }),
        mockServices.rootConfig.factory({
          data: {
            previews: {
              reconcileIntervalSeconds: 2,
              baseDomain: 'previews.test',
              urlScheme: 'http',
              kubernetes: { kubeconfig: testKubeconfigPath() },
            },
          },
        }),
      ],
    });
  });
  afterAll(async () => {
    const items: Preview[] =
      (
        await request(backend.server)
          .get('/api/previews/previews')
          .query({ entityRef: 'component:default/scaf-shop' })
          .set(as)
      ).body.items ?? [];
    for (const p of items)
      await request(backend.server)
        .delete(`/api/previews/previews/${p.id}`)
        .set(as);
    await backend.stop();
  });

  /** Runs the template as the user and waits for its task to end: its status and the completion event. */
  async function runTemplate(values: Record<string, string>) {
    const created = await request(backend.server)
      .post('/api/scaffolder/v2/tasks')
      .set(as)
      .send({ templateRef: 'template:default/open-preview', values });
    expect(created.status).toBe(201);
    const taskId: string = created.body.id;
    const task = await waitFor(
      `task ${taskId} to end`,
      async () => {
        const res = await request(backend.server)
          .get(`/api/scaffolder/v2/tasks/${taskId}`)
          .set(as);
        return ['completed', 'failed'].includes(res.body.status)
          ? res.body
          : undefined;
      },
      200_000,
    );
    const log = (
      await request(backend.server)
        .get(`/api/scaffolder/v2/tasks/${taskId}/events`)
        .set(as)
    ).body as Array<{ type: string; body: any }>;
    return {
      status: task.status as string,
      log,
      completion: log.find(e => e.type === 'completion')?.body,
    };
  }

  it('opens a preview of the branch, waits until it is ready, and outputs its URL', async () => {
    const branch = `scaf-${run}`;
    const { status, completion } = await runTemplate({
      component: 'component:default/scaf-shop',
      branch,
    });
    expect(status).toBe('completed');
    const items: Preview[] = (
      await request(backend.server)
        .get('/api/previews/previews')
        .query({ entityRef: 'component:default/scaf-shop' })
        .set(as)
    ).body.items;
    const preview = items.find(p => p.branch === branch)!;
    // Created as the user who ran the template, and ready when the task ended.
    expect(preview).toMatchObject({ status: 'ready', createdBy: USER });
    expect(completion.output).toMatchObject({
      links: [{ title: 'Preview', url: preview.url }],
      text: [{ title: 'Preview', content: `${preview.name} is ready` }],
    });
  });

  it("fails the task with the previews API's refusal, and creates nothing", async () => {
    const { status, log } = await runTemplate({
      component: 'component:default/not-in-catalog',
      branch: `scaf-${run}-x`,
    });
    expect(status).toBe('failed');
    const messages = log.map(e => e.body?.message ?? '').join('\n');
    expect(messages).toMatch(
      /Creating a preview of component:default\/not-in-catalog scaf-\w+-x failed: .*not-in-catalog/,
    );
    const all: Preview[] = (
      await request(backend.server).get('/api/previews/previews').set(as)
    ).body.items;
    expect(all.some(p => p.branch === `scaf-${run}-x`)).toBe(false);
  });
});
