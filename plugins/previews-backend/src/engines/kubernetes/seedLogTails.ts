import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { PreviewObservation } from '@backstage-previews/plugin-previews-node';
import { LOG_TAIL_LINES, failedPodOf } from './observeSeed';
import { SEED_GENERATION_LABEL, SEED_STEP_LABEL } from './renderSeedJobs';

/** How many pods' log tails are remembered (each failed pod is read once). */
const MAX_REMEMBERED = 500;

/**
 * The log tail of a failed seed or migrate step when the kubelet left no
 * termination message (e.g. a container that set another policy, or an
 * old kubelet): read once per failed container from the pod log endpoint,
 * then remembered, so observations stay free of requests per preview.
 */
export class SeedLogTails {
  private readonly remembered = new Map<string, string[] | null>();

  constructor(
    private readonly readLog: (namespace: string, pod: string, container: string, tailLines: number) => Promise<string>,
  ) {}

  async complete(
    observation: PreviewObservation,
    state: { jobs?: readonly V1Job[]; pods: readonly V1Pod[] },
  ): Promise<PreviewObservation> {
    const seed = observation.seed;
    if (seed?.phase !== 'failed' || seed.logTail?.length) return observation;
    const step = seed.failedStep === 'migrating' ? 'migrate' : 'seed';
    const job = (state.jobs ?? []).find(
      j =>
        j.metadata?.labels?.[SEED_STEP_LABEL] === step &&
        j.metadata?.labels?.[SEED_GENERATION_LABEL] === String(seed.generation) &&
        j.status?.conditions?.some(c => c.type === 'Failed' && c.status === 'True'),
    );
    const failed = job ? failedPodOf(job, state.pods) : undefined;
    if (!failed) return observation;
    const key = `${observation.name}/${failed.pod}/${failed.container}`;
    let lines = this.remembered.get(key);
    if (lines === undefined) {
      try {
        const text = await this.readLog(observation.name, failed.pod, failed.container, LOG_TAIL_LINES);
        const all = text.split('\n').map(l => l.trimEnd());
        while (all.length && !all[all.length - 1]) all.pop();
        lines = all.length ? all.slice(-LOG_TAIL_LINES) : null;
      } catch {
        // No log endpoint (no kubelet, pod gone): the status goes without one.
        lines = null;
      }
      if (this.remembered.size >= MAX_REMEMBERED) this.remembered.clear();
      this.remembered.set(key, lines);
    }
    return lines ? { ...observation, seed: { ...seed, logTail: lines } } : observation;
  }
}
