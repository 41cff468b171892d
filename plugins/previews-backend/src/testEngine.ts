import {
  PreviewDeployment,
  PreviewEngine,
  PreviewObserver,
  PreviewTarget,
} from '@backstage-previews/plugin-previews-node';

/**
 * An engine for unit tests of the use cases: it records what it is asked
 * to deploy and destroy, and its next deploy can be made to fail or to run
 * something first (a destroy landing meanwhile).
 */
export class TestEngine implements PreviewEngine {
  readonly canSleep = true;
  readonly supportsDatabases = true;
  readonly deploys: PreviewDeployment[] = [];
  /** Ids of the previews destroyed, in order. */
  readonly destroys: string[] = [];
  /** Thrown by the next deploy, once. */
  nextError?: Error;
  /** Runs inside the next deploy, once, before it is recorded. */
  during?: () => Promise<void>;

  constructor(readonly id = 'test') {}

  async deploy(d: PreviewDeployment) {
    const [error, during] = [this.nextError, this.during];
    this.nextError = undefined;
    this.during = undefined;
    if (error) throw error;
    await during?.();
    this.deploys.push(d);
  }
  async destroy(t: PreviewTarget) {
    this.destroys.push(t.previewId);
  }
  async observe(t: PreviewTarget) {
    return {
      name: t.name,
      previewId: t.previewId,
      state: 'available' as const,
    };
  }
  async track(_observer: PreviewObserver) {
    return { stop: async () => {} };
  }
}
