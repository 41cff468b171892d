import {
  coreServices,
  createServiceFactory,
  SchedulerService,
  SchedulerServiceTaskInvocationDefinition,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';

/**
 * Polls `fn` until it gives a value (anything but undefined or false), for
 * integration tests that wait on a real cluster. Errors while polling are
 * kept and reported if time runs out.
 */
export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await fn();
      if (value !== undefined && value !== false) return value;
    } catch (e) {
      last = e;
    }
    await new Promise(r => setTimeout(r, 250));
  }
  throw new Error(`Timed out waiting for ${what}${last ? `: ${last}` : ''}`);
}

/** A catalog component with previews enabled and the given annotations. */
export function previewComponent(
  name: string,
  annotations: Record<string, string> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: { 'backstage-previews.io/enabled': 'true', ...annotations },
    },
    spec: { type: 'service', lifecycle: 'experimental', owner: 'guests' },
  };
}

/**
 * A scheduler for test backends that only records the tasks the plugin
 * schedules into `tasks`, so a test runs each one exactly when it wants
 * (`triggerTask` runs it at once).
 */
export function recordingSchedulerFactory(
  tasks: Map<string, SchedulerServiceTaskInvocationDefinition['fn']>,
) {
  return createServiceFactory({
    service: coreServices.scheduler,
    deps: {},
    factory: () =>
      ({
        async scheduleTask(task: SchedulerServiceTaskInvocationDefinition) {
          tasks.set(task.id, task.fn);
        },
        async triggerTask(id: string) {
          await tasks.get(id)?.(new AbortController().signal as any);
        },
        async cancelTask() {},
        async getScheduledTasks() {
          return [];
        },
        createScheduledTaskRunner() {
          return { run: async () => {} };
        },
      } as unknown as SchedulerService),
  });
}
