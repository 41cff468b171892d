import type { V1EnvVar, V1Job, V1Secret } from '@kubernetes/client-node';
import { PreviewTestSpec } from '@backstage-previews/plugin-previews-common';
import {
  DEFAULT_TEST_TIMEOUT_SECONDS,
  PreviewTarget,
  PreviewTestRunRequest,
} from '@backstage-previews/plugin-previews-node';
import { renderImage } from '../../spec/renderImage';
import {
  objectMeta,
  previewAnnotations,
  previewLabels,
} from './renderMetadata';
import { containerUser, previewPodBasics } from './renderWorkloads';
import { restrictPodSpec } from './restrictPods';

/** On smoke test Jobs, their pods and the run's Secret: the run number. */
export const TEST_RUN_LABEL = 'backstage-previews.io/test-run';
/** On smoke test Jobs and their pods: the test's name in the spec. */
export const TEST_NAME_LABEL = 'backstage-previews.io/test';
/** Name of a test's container: its log is the test's output. */
export const TEST_CONTAINER = 'test';
/** Key of the bypass token in a run's Secret. */
const TOKEN_KEY = 'bypass-token';

/** `tests-r3`: the Secret holding run 3's bypass token. */
export function testRunSecretName(run: number): string {
  return `tests-r${run}`;
}

/** `test-r3-api`: at most 6 + 10 + 1 + 40 characters, a DNS-1123 label. */
export function testJobName(run: number, test: string): string {
  return `test-r${run}-${test}`;
}

/** What every test is given: the preview's URL, and how to get past its protection. */
function providedEnv(
  target: PreviewTarget,
  request: PreviewTestRunRequest,
): V1EnvVar[] {
  return [
    { name: 'PREVIEW_NAME', value: target.name },
    { name: 'PREVIEW_RUN', value: String(request.run) },
    ...(request.url ? [{ name: 'PREVIEW_URL', value: request.url }] : []),
    ...(request.sha ? [{ name: 'PREVIEW_SHA', value: request.sha }] : []),
    ...(request.bypassToken
      ? [
          { name: 'PREVIEW_BYPASS_HEADER', value: request.bypassHeader ?? '' },
          {
            name: 'PREVIEW_BYPASS_TOKEN',
            valueFrom: {
              secretKeyRef: {
                name: testRunSecretName(request.run),
                key: TOKEN_KEY,
              },
            },
          },
        ]
      : []),
  ];
}

function testJob(
  target: PreviewTarget,
  request: PreviewTestRunRequest,
  test: PreviewTestSpec,
  restricted: boolean,
): V1Job {
  const labels = {
    [TEST_RUN_LABEL]: String(request.run),
    [TEST_NAME_LABEL]: test.name,
  };
  const { plan } = request;
  const podSpec = {
    ...previewPodBasics(plan),
    restartPolicy: 'Never',
    containers: [
      {
        name: TEST_CONTAINER,
        image: renderImage(test.image, {
          branch: target.branch,
          sha: request.sha,
          workload: `test ${test.name}`,
        }),
        ...(test.command ? { command: [...test.command] } : {}),
        ...(test.args ? { args: [...test.args] } : {}),
        // Given names last: a test cannot replace what the backend provides (the schema refuses PREVIEW_* too).
        env: [
          ...Object.entries(test.env ?? {}).map(([name, value]) => ({
            name,
            value,
          })),
          ...providedEnv(target, request),
        ],
        // The last lines of a failed test's log become its message.
        terminationMessagePolicy: 'FallbackToLogsOnError',
        ...containerUser(test.runAsUser),
      },
    ],
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: objectMeta(target, testJobName(request.run, test.name), {
      labels,
    }),
    spec: {
      // One try: a flaky test shows as failed, and Re-run is the retry.
      backoffLimit: 0,
      activeDeadlineSeconds:
        test.timeoutSeconds ?? DEFAULT_TEST_TIMEOUT_SECONDS,
      template: {
        metadata: {
          labels: { ...previewLabels(target), ...labels },
          annotations: previewAnnotations(target),
        },
        spec: restricted ? restrictPodSpec(podSpec) : podSpec,
      },
    },
  };
}

/**
 * The objects of one smoke test run: a Secret with its bypass token (when
 * preview URLs are protected) and a Job per test, in the preview's
 * namespace, labelled with the run. `restricted`: the namespace enforces
 * the restricted Pod Security Standard. Pure.
 */
export function renderTestRun(
  target: PreviewTarget,
  request: PreviewTestRunRequest,
  options: { restricted: boolean },
): Array<V1Secret | V1Job> {
  const secret: V1Secret[] = request.bypassToken
    ? [
        {
          apiVersion: 'v1',
          kind: 'Secret',
          type: 'Opaque',
          metadata: objectMeta(target, testRunSecretName(request.run), {
            labels: { [TEST_RUN_LABEL]: String(request.run) },
          }),
          stringData: { [TOKEN_KEY]: request.bypassToken },
        },
      ]
    : [];
  return [
    ...secret,
    ...request.plan.tests.map(t =>
      testJob(target, request, t, options.restricted),
    ),
  ];
}
