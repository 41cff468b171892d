import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  BranchPickerItem,
  CreatePreviewRequest,
  ListBranchesResponse,
  ListDependencyTargetsResponse,
  ListPreviewEventsResponse,
  ListPreviewsResponse,
  Preview,
  PreviewEvent,
  PreviewsSummary,
  RerouteDependencyRequest,
} from '@backstage-previews/plugin-previews-common';
import { ListBranchesOptions, ListPreviewsOptions, PreviewsApi } from '../api';

const BRANCH_PATTERN = /^[A-Za-z0-9._/-]+$/;

/** The backend's rule with its default warning window (24 hours). */
function expiringSoon(expiresAt: string | undefined): boolean {
  return (
    expiresAt !== undefined &&
    Date.parse(expiresAt) - Date.now() <= 24 * 3_600_000
  );
}

function toName(branch: string): string {
  return `preview-${branch.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`.slice(
    0,
    63,
  );
}

/**
 * A {@link PreviewsApi} that keeps previews in memory, for tests. It checks
 * input like the backend does and records every call it receives.
 */
export class InMemoryPreviewsApi implements PreviewsApi {
  readonly calls: Array<{ method: keyof PreviewsApi; args: unknown[] }> = [];
  private readonly previews: Preview[] = [];
  private sequence = 0;
  /** What the branch picker offers (branches and pull requests). */
  readonly branchItems: BranchPickerItem[] = [];
  /** Staging URLs of dependency components, by entity ref. */
  readonly stagingUrls: Record<string, string> = {};
  /** History per preview id. */
  readonly events: Record<string, PreviewEvent[]> = {};
  /** What `getSummary` answers; computed from the previews when unset. */
  summary?: PreviewsSummary;
  /** Methods that fail with this error instead of answering (e.g. a 403). */
  readonly failures: Partial<Record<keyof PreviewsApi, Error>> = {};

  constructor(initial: Preview[] = []) {
    this.previews.push(...initial.map(p => ({ ...p })));
  }

  static preview(overrides: Partial<Preview> & { branch: string }): Preview {
    const createdAt = overrides.createdAt ?? new Date().toISOString();
    const name = overrides.name ?? toName(overrides.branch);
    return {
      id: `id-${overrides.branch}`,
      entityRef: 'component:default/shop',
      engine: 'kubernetes',
      engineTitle: 'Kubernetes',
      name,
      namespace: name,
      status: 'ready',
      createdAt,
      updatedAt: createdAt,
      ...overrides,
      expiringSoon: overrides.expiringSoon ?? expiringSoon(overrides.expiresAt),
    };
  }

  callsOf(method: keyof PreviewsApi): unknown[][] {
    return this.calls.filter(c => c.method === method).map(c => c.args);
  }

  /** Changes a preview as the backend would on its own. */
  update(id: string, changes: Partial<Preview>): void {
    const preview = this.find(id);
    Object.assign(preview, changes, { updatedAt: new Date().toISOString() });
  }

  async listPreviews(
    options: ListPreviewsOptions,
  ): Promise<ListPreviewsResponse> {
    this.record('listPreviews', [options]);
    const items = this.previews
      .filter(p => !options.entityRef || p.entityRef === options.entityRef)
      .filter(p => options.includeDestroyed || p.status !== 'destroyed')
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .map(p => ({ ...p }));
    return { items };
  }

  async getPreview(id: string): Promise<Preview> {
    this.record('getPreview', [id]);
    return { ...this.find(id) };
  }

  async createPreview(asked: CreatePreviewRequest): Promise<Preview> {
    this.record('createPreview', [asked]);
    let request = asked;
    if (request.pullRequest !== undefined) {
      const pr = this.branchItems.find(i => i.number === request.pullRequest);
      if (!pr) {
        throw new NotFoundError(`No pull request #${request.pullRequest}`);
      }
      request = {
        entityRef: request.entityRef,
        branch: pr.branch,
        sha: pr.sha,
      };
    }
    const branch = request.branch ?? '';
    if (!BRANCH_PATTERN.test(branch)) {
      throw new InputError(`Invalid branch name "${request.branch}"`);
    }
    const existing = this.previews.find(
      p =>
        p.entityRef === request.entityRef &&
        p.branch === request.branch &&
        p.status !== 'destroyed',
    );
    if (existing) {
      throw new ConflictError(
        `A preview of branch "${request.branch}" already exists`,
      );
    }
    this.sequence += 1;
    const now = new Date(Date.now() + this.sequence).toISOString();
    const preview = InMemoryPreviewsApi.preview({
      id: `new-${this.sequence}`,
      entityRef: request.entityRef,
      branch,
      status: 'provisioning',
      createdAt: now,
    });
    this.previews.push(preview);
    return { ...preview };
  }

  async listBranches(
    options: ListBranchesOptions,
  ): Promise<ListBranchesResponse> {
    this.record('listBranches', [options]);
    const q = options.q?.toLowerCase() ?? '';
    const matching = this.branchItems.filter(
      i =>
        i.branch.toLowerCase().includes(q) ||
        (i.title?.toLowerCase().includes(q) ?? false) ||
        (i.number !== undefined && `#${i.number}`.includes(q)),
    );
    const page = options.page ?? 1;
    return {
      items: matching.slice((page - 1) * 30, page * 30),
      hasMore: matching.length > page * 30,
      page,
    };
  }

  async destroyPreview(id: string): Promise<Preview> {
    this.record('destroyPreview', [id]);
    const preview = this.find(id);
    preview.status = 'destroying';
    preview.updatedAt = new Date().toISOString();
    return { ...preview };
  }

  async redeployPreview(id: string, sha?: string): Promise<Preview> {
    this.record('redeployPreview', sha ? [id, sha] : [id]);
    const preview = this.live(id);
    return this.change(preview, {
      status: 'provisioning',
      ...(sha ? { sha } : {}),
    });
  }

  async extendPreview(id: string, hours: number): Promise<Preview> {
    this.record('extendPreview', [id, hours]);
    const preview = this.live(id);
    if (!Number.isInteger(hours) || hours < 1) {
      throw new InputError('hours must be a whole number of at least 1');
    }
    const from = preview.expiresAt ? Date.parse(preview.expiresAt) : Date.now();
    const wanted = from + hours * 3_600_000;
    const max = preview.maxExpiresAt
      ? Date.parse(preview.maxExpiresAt)
      : Infinity;
    if (wanted > max) {
      throw new InputError(
        `Cannot extend beyond ${preview.maxExpiresAt} (the maximum lifetime)`,
      );
    }
    return this.change(preview, { expiresAt: new Date(wanted).toISOString() });
  }

  async keepPreview(id: string, keep: boolean): Promise<Preview> {
    this.record('keepPreview', [id, keep]);
    return this.change(this.live(id), { keep });
  }

  async sleepPreview(id: string): Promise<Preview> {
    this.record('sleepPreview', [id]);
    const preview = this.live(id);
    if (preview.status !== 'ready' && preview.status !== 'degraded') {
      throw new ConflictError(
        `Cannot sleep a preview that is ${preview.status}`,
      );
    }
    return this.change(preview, { status: 'sleeping' });
  }

  async wakePreview(id: string): Promise<Preview> {
    this.record('wakePreview', [id]);
    const preview = this.live(id);
    if (preview.status !== 'sleeping') {
      throw new ConflictError(
        `Cannot wake a preview that is ${preview.status}`,
      );
    }
    return this.change(preview, { status: 'provisioning' });
  }

  async reseedPreview(id: string): Promise<Preview> {
    this.record('reseedPreview', [id]);
    const preview = this.live(id);
    if (!preview.seed || preview.seed.phase === 'none') {
      throw new InputError(`Preview ${preview.name} has no database to seed`);
    }
    return this.change(preview, {
      seed: { phase: 'pending', version: preview.seed.version },
    });
  }

  async listDependencyTargets(
    id: string,
    dependencyRef: string,
  ): Promise<ListDependencyTargetsResponse> {
    this.record('listDependencyTargets', [id, dependencyRef]);
    const preview = this.find(id);
    this.dependency(preview, dependencyRef);
    const staging = this.stagingUrls[dependencyRef];
    return {
      items: [
        { target: 'staging', url: staging },
        ...this.previews
          .filter(p => p.entityRef === dependencyRef && isLive(p))
          .map(p => ({
            target: 'preview' as const,
            previewId: p.id,
            name: p.name,
            branch: p.branch,
            pullRequest: p.pullRequest,
            status: p.status,
            url: `http://${p.name}.${p.namespace}.svc`,
          })),
      ],
    };
  }

  async rerouteDependency(
    id: string,
    dependencyRef: string,
    request: RerouteDependencyRequest,
  ): Promise<Preview> {
    this.record('rerouteDependency', [id, dependencyRef, request]);
    const preview = this.live(id);
    const dependency = this.dependency(preview, dependencyRef);
    let changed;
    if (request.target === 'staging') {
      const url = this.stagingUrls[dependencyRef];
      if (!url) {
        throw new InputError(`${dependencyRef} has no staging URL`);
      }
      changed = {
        entityRef: dependencyRef,
        env: dependency.env,
        target: 'staging' as const,
        url,
      };
    } else {
      const target = this.previews.find(
        p =>
          p.id === request.previewId &&
          p.entityRef === dependencyRef &&
          isLive(p),
      );
      if (!target) {
        throw new InputError(
          `${request.previewId} is not a live preview of ${dependencyRef}`,
        );
      }
      changed = {
        entityRef: dependencyRef,
        env: dependency.env,
        target: 'preview' as const,
        url: `http://${target.name}.${target.namespace}.svc`,
        previewId: target.id,
        previewName: target.name,
        branch: target.branch,
      };
    }
    return this.change(preview, {
      status: 'provisioning',
      dependencies: preview.dependencies!.map(d =>
        d.entityRef === dependencyRef ? changed : d,
      ),
    });
  }

  async listPreviewEvents(id: string): Promise<ListPreviewEventsResponse> {
    this.record('listPreviewEvents', [id]);
    this.find(id);
    return { items: [...(this.events[id] ?? [])] };
  }

  async getSummary(): Promise<PreviewsSummary> {
    this.record('getSummary', []);
    if (this.summary) return this.summary;
    const live = this.previews.filter(isLive);
    const cost = (ps: Preview[]) =>
      ps.reduce((sum, p) => sum + (p.cost?.perHour ?? 0), 0);
    const group = (ref: string, ps: Preview[]) => ({
      ref,
      live: ps.length,
      costPerHour: cost(ps),
      expiringSoon: 0,
    });
    const refs = [...new Set(live.map(p => p.entityRef))];
    return {
      total: group('all', live),
      byComponent: refs.map(r =>
        group(
          r,
          live.filter(p => p.entityRef === r),
        ),
      ),
      byOwner: [],
      currency: live[0]?.cost?.currency ?? 'USD',
    };
  }

  async getGroup(
    branch: string,
  ): Promise<{ branch: string; items: Preview[] }> {
    this.record('getGroup', [branch]);
    const items = this.groupOf(branch);
    if (items.length === 0)
      throw new NotFoundError(`No group of branch ${branch}`);
    return { branch, items: items.map(p => ({ ...p })) };
  }

  async destroyGroup(branch: string): Promise<{ items: Preview[] }> {
    this.record('destroyGroup', [branch]);
    const items = this.groupOf(branch);
    if (items.length === 0)
      throw new NotFoundError(`No group of branch ${branch}`);
    return { items: items.map(p => this.change(p, { status: 'destroying' })) };
  }

  private groupOf(branch: string): Preview[] {
    return this.previews.filter(
      p => p.group === branch && isLive(p) && p.status !== 'destroying',
    );
  }

  async bulkDestroyPreviews(ids: string[]): Promise<{ items: Preview[] }> {
    this.record('bulkDestroyPreviews', [ids]);
    const previews = ids.map(id => this.find(id));
    return {
      items: previews.map(p => this.change(p, { status: 'destroying' })),
    };
  }

  private record(method: keyof PreviewsApi, args: unknown[]): void {
    this.calls.push({ method, args });
    const failure = this.failures[method];
    if (failure) {
      throw failure;
    }
  }

  private change(preview: Preview, changes: Partial<Preview>): Preview {
    Object.assign(preview, changes, { updatedAt: new Date().toISOString() });
    preview.expiringSoon = expiringSoon(preview.expiresAt);
    return { ...preview };
  }

  private live(id: string): Preview {
    const preview = this.find(id);
    if (!isLive(preview) || preview.status === 'destroying') {
      throw new ConflictError(`Preview ${preview.name} is ${preview.status}`);
    }
    return preview;
  }

  private dependency(preview: Preview, dependencyRef: string) {
    const dependency = preview.dependencies?.find(
      d => d.entityRef === dependencyRef,
    );
    if (!dependency) {
      throw new NotFoundError(
        `Preview ${preview.name} has no dependency ${dependencyRef}`,
      );
    }
    return dependency;
  }

  private find(id: string): Preview {
    const preview = this.previews.find(p => p.id === id);
    if (!preview) {
      throw new NotFoundError(`No preview with id ${id}`);
    }
    return preview;
  }
}

function isLive(preview: Preview): boolean {
  return preview.status !== 'destroyed';
}
