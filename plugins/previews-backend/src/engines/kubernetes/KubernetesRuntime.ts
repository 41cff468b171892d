import { Writable } from 'node:stream';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  PreviewLogRequest,
  PreviewRuntime,
  PreviewTarget,
} from '@backstage-previews/plugin-previews-node';
import {
  PreviewClusterEvent,
  PreviewPod,
} from '@backstage-previews/plugin-previews-common';
import { ClusterConnection, K8s } from '../shared/loadKubeConfig';
import {
  MANAGED_SELECTOR,
  PREVIEW_ID_LABEL,
  WORKLOAD_LABEL,
} from '../shared/labels';
import { describeEvent, describePod, sortPods } from './describePods';
import { redactingLines } from './redactingLines';
import { statusCode } from './statusCode';

/** The annotation kubectl's `rollout restart` sets: a new value rolls the pods. */
const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * A preview's pods, logs, events and restarts in its namespace. Only the
 * preview's own namespace is ever read, and only pods of this preview (its
 * id label); log text goes out without the values of its own Secrets.
 */
export class KubernetesRuntime implements PreviewRuntime {
  constructor(
    private readonly k8s: K8s,
    private readonly clusterOf: (target: PreviewTarget) => ClusterConnection,
  ) {}

  private core(target: PreviewTarget) {
    return this.clusterOf(target).kc.makeApiClient(this.k8s.CoreV1Api);
  }

  async listPods(target: PreviewTarget): Promise<PreviewPod[]> {
    const pods = await this.core(target).listNamespacedPod({
      namespace: target.name,
      labelSelector: `${PREVIEW_ID_LABEL}=${target.previewId}`,
    });
    return sortPods(pods.items.map(describePod));
  }

  async streamLogs(
    target: PreviewTarget,
    request: PreviewLogRequest,
    onText: (text: string) => void,
    signal: AbortSignal,
  ): Promise<void> {
    if (!DNS_LABEL.test(request.pod) || !DNS_LABEL.test(request.container))
      throw new InputError('A pod and a container name are DNS labels');
    // The pod must be this preview's (its namespace could hold others' by mistake, never by us).
    const pod = await this.core(target)
      .readNamespacedPod({ namespace: target.name, name: request.pod })
      .catch(e => {
        if (statusCode(e) === 404)
          throw new NotFoundError(
            `Preview ${target.name} has no pod ${request.pod}`,
          );
        throw e;
      });
    if (pod.metadata?.labels?.[PREVIEW_ID_LABEL] !== target.previewId)
      throw new NotFoundError(
        `Preview ${target.name} has no pod ${request.pod}`,
      );
    const containers = [
      ...(pod.spec?.initContainers ?? []),
      ...(pod.spec?.containers ?? []),
    ].map(c => c.name);
    if (!containers.includes(request.container))
      throw new NotFoundError(
        `Pod ${request.pod} has no container ${request.container}`,
      );

    const lines = redactingLines(await this.secretValues(target), onText);
    await new Promise<void>((resolve, reject) => {
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString('utf8'));
          done();
        },
      });
      sink.on('finish', () => {
        lines.end();
        resolve();
      });
      new this.k8s.Log(this.clusterOf(target).kc)
        .log(target.name, request.pod, request.container, sink, {
          follow: request.follow ?? false,
          previous: request.previous ?? false,
          ...(request.tailLines ? { tailLines: request.tailLines } : {}),
        })
        .then(controller => {
          if (signal.aborted) controller.abort();
          signal.addEventListener('abort', () => {
            controller.abort();
            lines.end();
            resolve();
          });
        })
        .catch(e => reject(logError(e, request)));
    });
  }

  async listEvents(target: PreviewTarget): Promise<PreviewClusterEvent[]> {
    const events = await this.core(target).listNamespacedEvent({
      namespace: target.name,
    });
    return events.items
      .map(describeEvent)
      .filter((e): e is PreviewClusterEvent => e !== undefined)
      .sort((a, b) => a.at.localeCompare(b.at));
  }

  async restartWorkload(
    target: PreviewTarget,
    workload: string,
  ): Promise<void> {
    if (!DNS_LABEL.test(workload))
      throw new InputError('A workload name is a DNS label');
    const apps = this.clusterOf(target).kc.makeApiClient(this.k8s.AppsV1Api);
    const deployments = await apps.listNamespacedDeployment({
      namespace: target.name,
      labelSelector: `${MANAGED_SELECTOR},${WORKLOAD_LABEL}=${workload}`,
    });
    const deployment = deployments.items.find(
      d => d.metadata?.labels?.[PREVIEW_ID_LABEL] === target.previewId,
    );
    if (!deployment?.metadata?.name)
      throw new NotFoundError(
        `Preview ${target.name} has no workload ${workload}`,
      );
    // A field of its own manager: the next server-side apply of the preview leaves it alone.
    await apps.patchNamespacedDeployment(
      {
        namespace: target.name,
        name: deployment.metadata.name,
        fieldManager: 'backstage-previews-restart',
        body: {
          spec: {
            template: {
              metadata: {
                annotations: { [RESTARTED_AT]: new Date().toISOString() },
              },
            },
          },
        },
      },
      this.k8s.setHeaderOptions(
        'Content-Type',
        this.k8s.PatchStrategy.MergePatch,
      ),
    );
  }

  /** The values of the preview's own Secrets (its database passwords, its copied Secrets). */
  private async secretValues(target: PreviewTarget): Promise<string[]> {
    const secrets = await this.core(target).listNamespacedSecret({
      namespace: target.name,
      labelSelector: MANAGED_SELECTOR,
    });
    return secrets.items.flatMap(s =>
      Object.values(s.data ?? {}).map(v =>
        Buffer.from(v, 'base64').toString('utf8'),
      ),
    );
  }
}

/** The API server's refusal in the portal's words: no previous container is a 400 there. */
function logError(e: unknown, request: PreviewLogRequest): Error {
  const code = statusCode(e);
  if (code === 400 && request.previous)
    return new NotFoundError(
      `Container ${request.container} of ${request.pod} has no previous (crashed) run`,
    );
  if (code === 400)
    return new InputError(
      `No log of container ${request.container} of ${request.pod} yet`,
    );
  if (code === 404) return new NotFoundError(`Pod ${request.pod} is gone`);
  return e instanceof Error ? e : new Error(String(e));
}
