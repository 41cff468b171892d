import { ArgoApplication, ArgoApplicationStatus } from './application';
import { observeApplication } from './observeApplication';

const id = '11111111-2222-3333-4444-555555555555';
const app = (
  status?: ArgoApplicationStatus,
  deleting = false,
): ArgoApplication => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: {
    name: 'p',
    namespace: 'argocd',
    labels: { 'app.kubernetes.io/instance': id },
    finalizers: ['resources-finalizer.argocd.argoproj.io'],
    ...(deleting ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}),
  },
  spec: {
    project: 'default',
    source: { repoURL: 'r', path: 'p', targetRevision: 'main' },
    destination: {},
  },
  ...(status ? { status } : {}),
});
const ns = {
  metadata: { name: 'p', labels: { 'app.kubernetes.io/instance': id } },
};

/** What a message should be: matching the pattern, or undefined without one. */
const matching = (pattern: RegExp | undefined) =>
  pattern ? expect.stringMatching(pattern) : undefined;

describe('observeApplication', () => {
  it.each<
    [string, ArgoApplication | undefined, boolean, string, RegExp | undefined]
  >([
    [
      'Healthy and Synced',
      app({ health: { status: 'Healthy' }, sync: { status: 'Synced' } }),
      true,
      'available',
      undefined,
    ],
    [
      'Healthy but OutOfSync',
      app({ health: { status: 'Healthy' }, sync: { status: 'OutOfSync' } }),
      true,
      'progressing',
      /health Healthy, sync OutOfSync/,
    ],
    [
      'Progressing',
      app({
        health: { status: 'Progressing', message: 'waiting for rollout' },
        sync: { status: 'Synced' },
      }),
      true,
      'progressing',
      /waiting for rollout/,
    ],
    [
      'Missing',
      app({ health: { status: 'Missing' }, sync: { status: 'OutOfSync' } }),
      false,
      'progressing',
      /health Missing/,
    ],
    [
      'Unknown',
      app({ health: { status: 'Unknown' } }),
      false,
      'progressing',
      /health Unknown, sync Unknown/,
    ],
    ['no status yet', app(), false, 'progressing', /health Unknown/],
    [
      'Degraded with messages',
      app({
        health: {
          status: 'Degraded',
          message: 'Deployment web exceeded its progress deadline',
        },
        sync: { status: 'Synced' },
        conditions: [{ type: 'SyncError', message: 'one resource failed' }],
        operationState: { phase: 'Succeeded', message: 'successfully synced' },
      }),
      true,
      'degraded',
      /Degraded; Deployment web exceeded its progress deadline; SyncError: one resource failed; successfully synced/,
    ],
    [
      'Suspended',
      app({ health: { status: 'Suspended' }, sync: { status: 'Synced' } }),
      true,
      'degraded',
      /Suspended.*resume/,
    ],
    [
      'a failed sync',
      app({
        health: { status: 'Healthy' },
        sync: { status: 'OutOfSync' },
        operationState: { phase: 'Failed', message: 'kustomize build failed' },
      }),
      true,
      'degraded',
      /sync failed; kustomize build failed/,
    ],
    [
      'an invalid spec',
      app({
        health: { status: 'Unknown' },
        conditions: [
          { type: 'InvalidSpecError', message: 'project x does not exist' },
        ],
      }),
      false,
      'degraded',
      /InvalidSpecError: project x does not exist/,
    ],
    [
      'being deleted',
      app({ health: { status: 'Healthy' } }, true),
      true,
      'terminating',
      /finalizer resources-finalizer.argocd.argoproj.io/,
    ],
    [
      'no Application, namespace left',
      undefined,
      true,
      'terminating',
      /Namespace p remains/,
    ],
    ['nothing left', undefined, false, 'absent', undefined],
  ])('%s', (_, application, withNamespace, state, message) => {
    const o = observeApplication({
      name: 'p',
      argoNamespace: 'argocd',
      application,
      namespace: withNamespace ? ns : undefined,
    });
    expect(o.state).toBe(state);
    expect(o.message).toEqual(matching(message));
    // The preview's id unless nothing is left; a blocker (the message) only while terminating.
    expect(o.previewId).toBe(state === 'absent' ? undefined : id);
    expect(o.details?.blockers?.[0]).toBe(
      state === 'terminating' ? o.message : undefined,
    );
  });

  it('adds a REST API problem to the message, even when available', () => {
    const problem = 'Argo CD sync request failed: 503';
    const healthy = app({
      health: { status: 'Healthy' },
      sync: { status: 'Synced' },
    });
    expect(
      observeApplication({
        name: 'p',
        argoNamespace: 'argocd',
        application: healthy,
        restProblem: problem,
      }),
    ).toMatchObject({ state: 'available', message: problem });
    expect(
      observeApplication({
        name: 'p',
        argoNamespace: 'argocd',
        application: app(),
        restProblem: problem,
      }).message,
    ).toMatch(/health Unknown.*; Argo CD sync request failed: 503/);
  });

  it('is not ready while Argo CD has synced an older commit than the target', () => {
    const sha = 'a'.repeat(40);
    const target = app({
      health: { status: 'Healthy' },
      sync: { status: 'Synced', revision: 'b'.repeat(40) },
    });
    target.spec.source.targetRevision = sha;
    expect(
      observeApplication({
        name: 'p',
        argoNamespace: 'argocd',
        application: target,
      }),
    ).toMatchObject({
      state: 'progressing',
      message: expect.stringContaining(
        'Argo CD has synced bbbbbbb, not yet aaaaaaa',
      ),
    });
    target.status!.sync!.revision = sha;
    expect(
      observeApplication({
        name: 'p',
        argoNamespace: 'argocd',
        application: target,
      }).state,
    ).toBe('available');
  });

  it('does not trust a cached Application older than the one just applied', () => {
    const cached = app({
      health: { status: 'Healthy' },
      sync: { status: 'Synced' },
    });
    cached.metadata.generation = 3;
    expect(
      observeApplication({
        name: 'p',
        argoNamespace: 'argocd',
        application: cached,
        appliedGeneration: 4,
      }).state,
    ).toBe('progressing');
    expect(
      observeApplication({
        name: 'p',
        argoNamespace: 'argocd',
        application: cached,
        appliedGeneration: 3,
      }).state,
    ).toBe('available');
  });
});
