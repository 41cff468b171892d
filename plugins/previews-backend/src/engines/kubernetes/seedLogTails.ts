import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { PreviewObservation } from '@backstage-previews/plugin-previews-node';
import { LOG_TAIL_LINES, failedPodOf } from './observeSeed';
import { SEED_GENERATION_LABEL, SEED_STEP_LABEL } from './renderSeedJobs';
import { redactLogLines } from './redactLogLines';

/** How many pods' log tails are remembered (each failed pod is read once). */
const MAX_REMEMBERED = 500;

/**
 * The log tail of a failed seed or migrate step, as the portal may show it.
 * When the kubelet left no termination message (e.g. a container that set
 * another policy, or an old kubelet) it is read once per failed container
 * from the pod log endpoint. Either way the preview's own secret values and
 * URL passwords are redacted (the values are read once per failed
 * container too). Remembered, so observations stay free of requests per
 * preview.
 */
export class SeedLogTails {
  private readonly remembered = new Map<string, string[] | null>();

  constructor(
    private readonly readLog: (
      namespace: string,
      pod: string,
      container: string,
      tailLines: number,
    ) => Promise<string>,
    /** The values of the preview's own Secrets (passwords, copies); none when not given. */
    private readonly readSecretValues: (
      namespace: string,
    ) => Promise<string[]> = async () => [],
  ) {}

  async complete(
    observation: PreviewObservation,
    state: { jobs?: readonly V1Job[]; pods: readonly V1Pod[] },
  ): Promise<PreviewObservation> {
    const seed = observation.seed;
    if (seed?.phase !== 'failed') return observation;
    const step = seed.failedStep === 'migrating' ? 'migrate' : 'seed';
    const job = (state.jobs ?? []).find(
      j =>
        j.metadata?.labels?.[SEED_STEP_LABEL] === step &&
        j.metadata?.labels?.[SEED_GENERATION_LABEL] ===
          String(seed.generation) &&
        j.status?.conditions?.some(
          c => c.type === 'Failed' && c.status === 'True',
        ),
    );
    const failed = job ? failedPodOf(job, state.pods) : undefined;
    if (!failed) {
      // Nothing to read more of: what the message holds, with URL passwords redacted.
      return this.withTail(
        observation,
        seed.logTail?.length ? redactLogLines(seed.logTail, []) : undefined,
      );
    }
    const key = `${observation.name}/${failed.pod}/${failed.container}`;
    let lines = this.remembered.get(key);
    if (lines === undefined) {
      lines = seed.logTail?.length
        ? seed.logTail
        : await this.readTail(observation.name, failed);
      if (lines) {
        try {
          lines = redactLogLines(
            lines,
            await this.readSecretValues(observation.name),
          );
        } catch {
          // Without the values nothing proves the lines are safe to show: none this time, asked again next time.
          return this.withTail(observation, undefined);
        }
      }
      if (this.remembered.size >= MAX_REMEMBERED) this.remembered.clear();
      this.remembered.set(key, lines);
    }
    return this.withTail(observation, lines ?? undefined);
  }

  private async readTail(
    namespace: string,
    failed: { pod: string; container: string },
  ): Promise<string[] | null> {
    try {
      const text = await this.readLog(
        namespace,
        failed.pod,
        failed.container,
        LOG_TAIL_LINES,
      );
      const all = text.split('\n').map(l => l.trimEnd());
      while (all.length && !all[all.length - 1]) all.pop();
      return all.length ? all.slice(-LOG_TAIL_LINES) : null;
    } catch {
      // No log endpoint (no kubelet, pod gone): the status goes without one.
      return null;
    }
  }

  /** The observation with this log tail (the same object when nothing changes). */
  private withTail(
    observation: PreviewObservation,
    lines: string[] | undefined,
  ): PreviewObservation {
    const seed = observation.seed!;
    const same =
      lines === undefined
        ? seed.logTail === undefined
        : JSON.stringify(lines) === JSON.stringify(seed.logTail);
    if (same) return observation;
    const { logTail: _old, ...rest } = seed;
    return { ...observation, seed: lines ? { ...rest, logTail: lines } : rest };
  }
}
