import { PreviewSpec } from './spec';
import { PreviewSpecError, validatePreviewSpec } from './validatePreviewSpec';

const web = { name: 'web', image: 'registry.local/shop:{branch}', port: 8080 };

/** A valid spec with one change at `path` (a value of `undefined` removes it). */
function withChange(path: Array<string | number>, value: unknown): unknown {
  const spec: any = JSON.parse(
    JSON.stringify({
      workloads: [
        web,
        { name: 'worker', image: 'registry.local/worker:{sha}' },
      ],
      secrets: [
        { name: 'db', copyFrom: { namespace: 'shared', name: 'shop-db' } },
      ],
    }),
  );
  let node = spec;
  for (const key of path.slice(0, -1)) node = node[key] ??= {};
  const last = path[path.length - 1];
  if (value === undefined) delete node[last];
  else node[last] = value;
  return spec;
}

describe('validatePreviewSpec', () => {
  const valid: Array<[string, PreviewSpec]> = [
    ['one workload', { workloads: [web] }],
    [
      'a workload without a port',
      { workloads: [{ name: 'cron', image: 'busybox' }] },
    ],
    [
      'everything',
      {
        workloads: [
          {
            name: 'web',
            image: 'ghcr.io/acme/shop:{branch}-{shortSha}',
            port: 3000,
            command: ['node'],
            args: ['server.js', '--port', '3000'],
            env: { NODE_ENV: 'production', _private: '1' },
            envFromSecrets: ['db'],
            resources: {
              requests: { cpu: '100m', memory: '128Mi' },
              limits: { cpu: '1.5', memory: '1G' },
            },
            readinessPath: '/healthz?full=1',
            replicas: 0,
          },
          {
            name: 'worker',
            image: 'ghcr.io/acme/worker@sha256:{sha}',
            replicas: 10,
            runAsUser: 10001,
          },
        ],
        expose: 'web',
        secrets: [
          { name: 'db', copyFrom: { namespace: 'shared', name: 'shop-db' } },
          {
            name: 'regcred',
            copyFrom: { namespace: 'shared', name: 'ghcr.pull' },
          },
        ],
        imagePullSecrets: ['regcred'],
        nodeSelector: { 'kubernetes.io/arch': 'amd64', spot: '' },
        tolerations: [
          {
            key: 'spot',
            operator: 'Equal',
            value: 'true',
            effect: 'NoSchedule',
          },
          { operator: 'Exists' },
        ],
        cluster: 'eu-1',
      },
    ],
    [
      'a 40 character name',
      { workloads: [{ name: `a${'b'.repeat(39)}`, image: 'x' }] },
    ],
    [
      'an Argo CD spec with Kustomize overrides',
      {
        workloads: [
          { name: 'web', image: 'ghcr.io/acme/shop:{sha}', port: 8080 },
        ],
        engine: 'argocd',
        argocd: {
          path: 'deploy/preview',
          project: 'previews',
          kustomize: { images: ['nginx=ghcr.io/acme/nginx:{branch}'] },
        },
      },
    ],
    [
      'an Argo CD spec with Helm',
      {
        workloads: [{ name: 'web', image: 'ghcr.io/acme/shop:{sha}' }],
        engine: 'argocd',
        argocd: {
          path: 'charts/shop',
          repoURL: 'https://github.com/acme/shop.git',
          helm: {
            valueFiles: ['values-preview.yaml'],
            imageTagParameter: 'web.tag',
            parameters: { 'ingress.url': 'https://{host}/' },
          },
        },
      },
    ],
  ];

  valid.push([
    'smoke tests',
    {
      workloads: [web],
      tests: [
        {
          name: 'api',
          image: 'ghcr.io/acme/shop-tests:{shortSha}',
          command: ['npm', 'test'],
          env: { SUITE: 'smoke' },
          timeoutSeconds: 300,
          runAsUser: 1000,
        },
        { name: 'e2e', image: 'ghcr.io/acme/e2e:1' },
      ],
    },
  ]);

  it.each(valid)('accepts %s', (_, spec) => {
    expect(validatePreviewSpec(spec)).toBe(spec);
  });

  const invalid: Array<[string, unknown, string]> = [
    ['not an object', 'web', 'spec must be an object'],
    ['null', null, 'spec must be an object'],
    ['no workloads field', {}, 'workloads is required'],
    [
      'an unknown engine',
      withChange(['engine'], 'flux'),
      'engine must be one of',
    ],
    [
      'an Argo CD spec without a path',
      withChange(['argocd'], { project: 'x' }),
      'argocd.path is required',
    ],
    [
      'an Argo CD Helm parameter with an unknown placeholder',
      withChange(['argocd'], {
        path: 'p',
        helm: { parameters: { a: '{nope}' } },
      }),
      'argocd.helm.parameters.a must not contain spaces; the only placeholders',
    ],
    [
      'an empty workload list',
      { workloads: [] },
      'workloads must have at least 1 item',
    ],
    [
      'an unknown top-level field',
      withChange(['image'], 'x'),
      'image is not a known field',
    ],
    [
      'an unknown workload field',
      withChange(['workloads', 0, 'ports'], [80]),
      'workloads[0].ports is not a known field',
    ],
    [
      'a workload without an image',
      withChange(['workloads', 0, 'image'], undefined),
      'workloads[0].image is required',
    ],
    [
      'an empty image',
      withChange(['workloads', 0, 'image'], ''),
      'workloads[0].image must not be empty',
    ],
    [
      'an image with spaces',
      withChange(['workloads', 0, 'image'], 'a b'),
      'workloads[0].image must be an image reference',
    ],
    [
      'an unknown image placeholder',
      withChange(['workloads', 0, 'image'], 'x:{tag}'),
      'the only placeholders are {branch}, {sha} and {shortSha}',
    ],
    [
      'a port too high',
      withChange(['workloads', 1, 'port'], 65536),
      'workloads[1].port must be <= 65535',
    ],
    [
      'port 0',
      withChange(['workloads', 0, 'port'], 0),
      'workloads[0].port must be >= 1',
    ],
    [
      'a port as a string',
      withChange(['workloads', 0, 'port'], '8080'),
      'workloads[0].port must be an integer',
    ],
    [
      'a fractional port',
      withChange(['workloads', 0, 'port'], 80.5),
      'workloads[0].port must be an integer',
    ],
    [
      'an upper-case name',
      withChange(['workloads', 0, 'name'], 'Web'),
      'workloads[0].name must consist of lower-case letters',
    ],
    [
      'a name starting with a digit',
      withChange(['workloads', 0, 'name'], '1web'),
      'start with a letter',
    ],
    [
      'a name ending with a dash',
      withChange(['workloads', 0, 'name'], 'web-'),
      'workloads[0].name must consist',
    ],
    [
      'a 41 character name',
      withChange(['workloads', 0, 'name'], 'a'.repeat(41)),
      'workloads[0].name must be at most 40 characters long',
    ],
    [
      '11 replicas',
      withChange(['workloads', 0, 'replicas'], 11),
      'workloads[0].replicas must be <= 10',
    ],
    [
      'negative replicas',
      withChange(['workloads', 0, 'replicas'], -1),
      'workloads[0].replicas must be >= 0',
    ],
    [
      'runAsUser root',
      withChange(['workloads', 0, 'runAsUser'], 0),
      'workloads[0].runAsUser must be >= 1',
    ],
    [
      'a fractional runAsUser',
      withChange(['workloads', 0, 'runAsUser'], 1000.5),
      'workloads[0].runAsUser must be an integer',
    ],
    [
      'a bad env name',
      withChange(['workloads', 0, 'env'], { 'MY-VAR': 'x' }),
      'workloads[0].env key "MY-VAR" must be an environment variable name',
    ],
    [
      'an env name starting with a digit',
      withChange(['workloads', 0, 'env'], { '1A': 'x' }),
      'workloads[0].env key "1A"',
    ],
    [
      'a number env value',
      withChange(['workloads', 0, 'env'], { PORT: 8080 }),
      'workloads[0].env.PORT must be a string',
    ],
    [
      'a reserved env name',
      withChange(['workloads', 0, 'env'], { PREVIEW_HOST: 'x' }),
      'workloads[0].env.PREVIEW_HOST is set by Backstage Previews',
    ],
    [
      'a bad cpu quantity',
      withChange(['workloads', 0, 'resources'], { requests: { cpu: '100Mi' } }),
      'workloads[0].resources.requests.cpu must be a CPU quantity',
    ],
    [
      'a bad memory quantity',
      withChange(['workloads', 0, 'resources'], { limits: { memory: '128m' } }),
      'workloads[0].resources.limits.memory must be a memory quantity',
    ],
    [
      'an unknown resource',
      withChange(['workloads', 0, 'resources'], { limits: { gpu: '1' } }),
      'workloads[0].resources.limits.gpu is not a known field',
    ],
    [
      'a relative readiness path',
      withChange(['workloads', 0, 'readinessPath'], 'healthz'),
      'workloads[0].readinessPath must be an HTTP path starting with "/"',
    ],
    [
      'a readiness path without a port',
      withChange(['workloads', 1, 'readinessPath'], '/healthz'),
      'workloads[1].readinessPath needs workloads[1].port',
    ],
    [
      'a command that is a string',
      withChange(['workloads', 0, 'command'], 'node server.js'),
      'workloads[0].command must be an array',
    ],
    [
      'duplicate workload names',
      withChange(['workloads', 1, 'name'], 'web'),
      'workloads[1].name must be unique ("web" is also workloads[0].name)',
    ],
    [
      'expose of an unknown workload',
      withChange(['expose'], 'api'),
      'expose must name a workload; there is no workload "api"',
    ],
    [
      'expose of a workload without a port',
      withChange(['expose'], 'worker'),
      'expose must name a workload with a port; workloads[1] ("worker") has no port',
    ],
    [
      'envFromSecrets of an undeclared secret',
      withChange(['workloads', 0, 'envFromSecrets'], ['db', 'api-key']),
      'workloads[0].envFromSecrets[1] must name a secret declared in secrets; "api-key" is not declared',
    ],
    [
      'imagePullSecrets of an undeclared secret',
      withChange(['imagePullSecrets'], ['regcred']),
      'imagePullSecrets[0] must name a secret declared in secrets',
    ],
    [
      'a secret without copyFrom',
      withChange(['secrets', 0, 'copyFrom'], undefined),
      'secrets[0].copyFrom is required',
    ],
    [
      'a secret copied from a bad namespace',
      withChange(['secrets', 0, 'copyFrom', 'namespace'], 'Shared_NS'),
      'secrets[0].copyFrom.namespace must be a DNS-1123 label',
    ],
    [
      'duplicate secret names',
      withChange(['secrets', 1], {
        name: 'db',
        copyFrom: { namespace: 'a', name: 'b' },
      }),
      'secrets[1].name must be unique',
    ],
    [
      'a bad secret name',
      withChange(['secrets', 0, 'name'], 'DB'),
      'secrets[0].name must be a DNS-1123 subdomain',
    ],
    [
      'a bad toleration operator',
      withChange(['tolerations'], [{ key: 'a', operator: 'In' }]),
      'tolerations[0].operator must be one of "Exists", "Equal"',
    ],
    [
      'a bad toleration effect',
      withChange(['tolerations'], [{ key: 'a', effect: 'Evict' }]),
      'tolerations[0].effect must be one of "NoSchedule", "PreferNoSchedule", "NoExecute"',
    ],
    [
      'Exists with a value',
      withChange(
        ['tolerations'],
        [{ key: 'a', operator: 'Exists', value: 'x' }],
      ),
      'tolerations[0].value must be empty when operator is "Exists"',
    ],
    [
      'Equal without a key',
      withChange(['tolerations'], [{ value: 'x' }]),
      'tolerations[0].key is required unless operator is "Exists"',
    ],
    [
      'a bad node selector key',
      withChange(['nodeSelector'], { 'a b': 'x' }),
      'nodeSelector key "a b" must be a Kubernetes label key',
    ],
    [
      'a bad node selector value',
      withChange(['nodeSelector'], { 'kubernetes.io/os': 'linux!' }),
      'nodeSelector["kubernetes.io/os"] must be a Kubernetes label value',
    ],
    [
      'an empty cluster',
      withChange(['cluster'], ''),
      'cluster must not be empty',
    ],
    [
      'a test without an image',
      withChange(['tests'], [{ name: 'api' }]),
      'tests[0].image is required',
    ],
    [
      'a test setting what the backend gives it',
      withChange(
        ['tests'],
        [{ name: 'api', image: 'i', env: { PREVIEW_BYPASS_TOKEN: 'x' } }],
      ),
      'tests[0].env key "PREVIEW_BYPASS_TOKEN" must be an environment variable name not starting with PREVIEW_',
    ],
    [
      'a test longer than an hour',
      withChange(
        ['tests'],
        [{ name: 'api', image: 'i', timeoutSeconds: 3601 }],
      ),
      'tests[0].timeoutSeconds must be <= 3600',
    ],
    [
      'a test running as root',
      withChange(['tests'], [{ name: 'api', image: 'i', runAsUser: 0 }]),
      'tests[0].runAsUser must be >= 1',
    ],
    [
      'duplicate test names',
      withChange(
        ['tests'],
        [
          { name: 'api', image: 'i' },
          { name: 'api', image: 'j' },
        ],
      ),
      'tests[1].name must be unique ("api" is also tests[0].name)',
    ],
    [
      '11 tests',
      withChange(
        ['tests'],
        Array.from({ length: 11 }, (_, i) => ({ name: `t${i}`, image: 'i' })),
      ),
      'tests must have at most 10 items',
    ],
  ];

  it.each(invalid)('rejects %s', (_, spec, fragment) => {
    expect(() => validatePreviewSpec(spec)).toThrow(PreviewSpecError);
    expect(() => validatePreviewSpec(spec)).toThrow(fragment);
    expect(() => validatePreviewSpec(spec)).toThrow(
      expect.objectContaining({
        name: 'PreviewSpecError',
        message: expect.stringMatching(/^Invalid preview spec: /),
      }),
    );
  });

  it('lists the first five problems and counts the rest', () => {
    const workloads = Array.from({ length: 8 }, (_, i) => ({
      name: `w${i}`,
      image: 'x',
      port: 70000,
    }));
    let error: PreviewSpecError | undefined;
    try {
      validatePreviewSpec({ workloads });
    } catch (e) {
      error = e as PreviewSpecError;
    }
    expect(error).toBeInstanceOf(PreviewSpecError);
    expect(error!.problems).toHaveLength(8);
    expect(error!.message).toBe(
      `Invalid preview spec: ${[0, 1, 2, 3, 4]
        .map(i => `workloads[${i}].port must be <= 65535`)
        .join('; ')}; and 3 more problems`,
    );
  });

  it('is an Error', () => {
    expect(new PreviewSpecError(['x'])).toBeInstanceOf(Error);
  });
});
