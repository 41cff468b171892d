import { PreviewTestRunRequest } from '@backstage-previews/plugin-previews-node';
import { renderTestRun, testJobName } from './renderTestRun';

const target = {
  previewId: 'id-1',
  name: 'shop-feature-x-1a2b3c4d',
  entityRef: 'component:default/shop',
  branch: 'feature/x',
};
const request = (
  extra: Partial<PreviewTestRunRequest> = {},
): PreviewTestRunRequest => ({
  run: 7,
  plan: {
    tests: [
      {
        name: 'api',
        image: 'registry.local/tests:{shortSha}',
        command: ['/run'],
        env: { SUITE: 'smoke' },
      },
    ],
  },
  sha: '0123456789abcdef0123456789abcdef01234567',
  url: 'https://shop-feature-x-1a2b3c4d.previews.example',
  ...extra,
});

const jobOf = (objects: ReturnType<typeof renderTestRun>) =>
  objects.find(o => o.kind === 'Job') as any;
const envOf = (objects: ReturnType<typeof renderTestRun>) =>
  jobOf(objects).spec.template.spec.containers[0].env;

describe('renderTestRun', () => {
  it.each([
    [
      'protected URLs: the token goes in a Secret of the run, the header beside it',
      request({ bypassToken: 'tok', bypassHeader: 'x-previews-bypass' }),
      ['Secret/tests-r7', 'Job/test-r7-api'],
    ],
    ['public URLs: no Secret', request(), ['Job/test-r7-api']],
  ])('%s', (_name, given, names) => {
    const objects = renderTestRun(target, given, { restricted: true });
    expect(objects.map(o => `${o.kind}/${o.metadata?.name}`)).toEqual(names);
    for (const o of objects) {
      expect(o.metadata).toMatchObject({
        namespace: target.name,
        labels: {
          'app.kubernetes.io/instance': 'id-1',
          'backstage-previews.io/test-run': '7',
        },
      });
    }
  });

  it('gives each test the URL, the commit and the token (from the Secret, never in the Job), after its own env', () => {
    const objects = renderTestRun(
      target,
      request({ bypassToken: 'tok', bypassHeader: 'x-previews-bypass' }),
      { restricted: false },
    );
    expect(envOf(objects)).toEqual([
      { name: 'SUITE', value: 'smoke' },
      { name: 'PREVIEW_NAME', value: target.name },
      { name: 'PREVIEW_RUN', value: '7' },
      {
        name: 'PREVIEW_URL',
        value: 'https://shop-feature-x-1a2b3c4d.previews.example',
      },
      {
        name: 'PREVIEW_SHA',
        value: '0123456789abcdef0123456789abcdef01234567',
      },
      { name: 'PREVIEW_BYPASS_HEADER', value: 'x-previews-bypass' },
      {
        name: 'PREVIEW_BYPASS_TOKEN',
        valueFrom: { secretKeyRef: { name: 'tests-r7', key: 'bypass-token' } },
      },
    ]);
    expect(JSON.stringify(jobOf(objects))).not.toContain('tok"');
    expect((objects[0] as any).stringData).toEqual({ 'bypass-token': 'tok' });
  });

  it('runs once, within its deadline, with its image template filled and its log kept on failure', () => {
    const job = jobOf(renderTestRun(target, request(), { restricted: false }));
    expect(job.spec).toMatchObject({
      backoffLimit: 0,
      activeDeadlineSeconds: 600,
    });
    expect(job.spec.template.spec).toMatchObject({
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      serviceAccountName: 'preview',
    });
    expect(job.spec.template.spec.containers[0]).toMatchObject({
      name: 'test',
      image: 'registry.local/tests:0123456',
      command: ['/run'],
      terminationMessagePolicy: 'FallbackToLogsOnError',
    });
    expect(job.spec.template.metadata.labels).toMatchObject({
      'backstage-previews.io/test': 'api',
      'backstage-previews.io/test-run': '7',
    });
  });

  it('is admitted by a restricted namespace, and keeps the spec’s placement, pull secrets, uid and deadline', () => {
    const job = jobOf(
      renderTestRun(
        target,
        request({
          plan: {
            tests: [
              { name: 'api', image: 'i', timeoutSeconds: 60, runAsUser: 1000 },
            ],
            imagePullSecrets: ['pull'],
            nodeSelector: { pool: 'previews' },
            tolerations: [{ key: 'spot', operator: 'Exists' }],
          },
        }),
        { restricted: true },
      ),
    );
    const pod = job.spec.template.spec;
    expect(job.spec.activeDeadlineSeconds).toBe(60);
    expect(pod).toMatchObject({
      securityContext: {
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      imagePullSecrets: [{ name: 'pull' }],
      nodeSelector: { pool: 'previews' },
      tolerations: [{ key: 'spot', operator: 'Exists' }],
    });
    expect(pod.containers[0].securityContext).toEqual({
      runAsUser: 1000,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
  });

  it('names Jobs as DNS-1123 labels of at most 63 characters', () => {
    const name = testJobName(4294967295, 'a'.repeat(40));
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });

  it('refuses an image template it cannot fill', () => {
    expect(() =>
      renderTestRun(target, request({ sha: undefined }), { restricted: true }),
    ).toThrow(/\{shortSha\}/);
  });
});
