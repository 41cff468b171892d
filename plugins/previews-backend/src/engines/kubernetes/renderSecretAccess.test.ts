import { ConfigReader } from '@backstage/config';
import { PreviewDeployment } from '@backstage-previews/plugin-previews-node';
import { renderPreviewObjects } from './render';
import { applyStages } from './applyStages';
import {
  SECRET_ACCESS_BINDING,
  renderSecretAccessBinding,
  secretAccessFromConfig,
} from './renderSecretAccess';

const d: PreviewDeployment = {
  previewId: 'p-1',
  name: 'orders-api-feat-x-1a2b3c4d',
  entityRef: 'component:default/orders-api',
  branch: 'feat/x',
  sha: 'a'.repeat(40),
  spec: {
    workloads: [{ name: 'api', image: 'registry.local/orders:1', port: 8080 }],
    databases: { postgres: { version: '16' } },
  },
};
const access = {
  clusterRole: 'backstage-previews-namespace-secrets',
  subject: {
    kind: 'ServiceAccount',
    name: 'backstage-previews',
    namespace: 'backstage',
  },
};

describe('namespace-scoped Secret access', () => {
  it('binds the configured ClusterRole to the backend in the preview namespace only', () => {
    const binding = renderSecretAccessBinding(d, access);
    expect(binding).toMatchObject({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: {
        name: SECRET_ACCESS_BINDING,
        namespace: d.name,
        labels: { 'app.kubernetes.io/instance': 'p-1' },
      },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'backstage-previews-namespace-secrets',
      },
      subjects: [
        {
          kind: 'ServiceAccount',
          name: 'backstage-previews',
          namespace: 'backstage',
        },
      ],
    });
    // a fresh object each time: callers may not share the subject
    expect(binding.subjects![0]).not.toBe(access.subject);
  });

  it('renders the binding only when configured, and applies it after the namespace and before every Secret', () => {
    expect(
      renderPreviewObjects(d, {}, {}, { passwords: { postgres: 'pw' } }).some(
        o => o.kind === 'RoleBinding',
      ),
    ).toBe(false);
    const objects = renderPreviewObjects(
      d,
      { secretAccess: access },
      {},
      { passwords: { postgres: 'pw' } },
    );
    const stages = applyStages(objects).map(s => s.map(o => o.kind));
    const stageOf = (kind: string) => stages.findIndex(s => s.includes(kind));
    expect(stageOf('Namespace')).toBe(0);
    expect(stages[1]).toEqual(['RoleBinding']);
    expect(stageOf('Secret')).toBeGreaterThan(1);
  });

  it.each([
    ['unset', {}, undefined],
    ['a ServiceAccount', { secretAccess: access }, access],
    [
      'a group of its own',
      {
        secretAccess: {
          clusterRole: 'r',
          subject: { kind: 'Group', name: 'previews-backends' },
        },
      },
      {
        clusterRole: 'r',
        subject: {
          kind: 'Group',
          name: 'previews-backends',
          apiGroup: 'rbac.authorization.k8s.io',
        },
      },
    ],
    [
      'a user',
      {
        secretAccess: {
          clusterRole: 'r',
          subject: { kind: 'User', name: 'previews' },
        },
      },
      {
        clusterRole: 'r',
        subject: {
          kind: 'User',
          name: 'previews',
          apiGroup: 'rbac.authorization.k8s.io',
        },
      },
    ],
  ])('reads config: %s', (_, config, expected) => {
    expect(secretAccessFromConfig(new ConfigReader(config))).toEqual(expected);
  });

  it.each([
    [
      'an unknown kind',
      { kind: 'Robot', name: 'x' },
      'subject.kind: "Robot" is not one of ServiceAccount, User, Group',
    ],
    [
      'a ServiceAccount without namespace',
      { kind: 'ServiceAccount', name: 'x' },
      'a ServiceAccount subject needs its namespace',
    ],
    [
      'a group with a namespace',
      { kind: 'Group', name: 'x', namespace: 'y' },
      'only a ServiceAccount subject has a namespace',
    ],
    [
      'every authenticated user',
      { kind: 'Group', name: 'system:authenticated' },
      '"system:authenticated" is a Kubernetes system group',
    ],
    [
      "a namespace's service accounts",
      { kind: 'Group', name: 'system:serviceaccounts:previews' },
      'is a Kubernetes system group',
    ],
  ])('refuses %s', (_, subject, message) => {
    expect(() =>
      secretAccessFromConfig(
        new ConfigReader({ secretAccess: { clusterRole: 'r', subject } }),
      ),
    ).toThrow(message);
  });
});
