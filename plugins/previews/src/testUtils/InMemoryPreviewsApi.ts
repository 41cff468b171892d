import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  BranchPickerItem,
  CreatePreviewRequest,
  ListBranchesResponse,
  ListPreviewsResponse,
  Preview,
} from '@backstage-previews/plugin-previews-common';
import { ListBranchesOptions, ListPreviewsOptions, PreviewsApi } from '../api';

const BRANCH_PATTERN = /^[A-Za-z0-9._/-]+$/;

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
      name,
      namespace: name,
      status: 'ready',
      createdAt,
      updatedAt: createdAt,
      ...overrides,
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
    this.calls.push({ method: 'listPreviews', args: [options] });
    const items = this.previews
      .filter(p => p.entityRef === options.entityRef)
      .filter(p => options.includeDestroyed || p.status !== 'destroyed')
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .map(p => ({ ...p }));
    return { items };
  }

  async getPreview(id: string): Promise<Preview> {
    this.calls.push({ method: 'getPreview', args: [id] });
    return { ...this.find(id) };
  }

  async createPreview(request: CreatePreviewRequest): Promise<Preview> {
    this.calls.push({ method: 'createPreview', args: [request] });
    if (request.pullRequest !== undefined) {
      const pr = this.branchItems.find(i => i.number === request.pullRequest);
      if (!pr) {
        throw new NotFoundError(`No pull request #${request.pullRequest}`);
      }
      request = { entityRef: request.entityRef, branch: pr.branch, sha: pr.sha };
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
    this.calls.push({ method: 'listBranches', args: [options] });
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
    this.calls.push({ method: 'destroyPreview', args: [id] });
    const preview = this.find(id);
    preview.status = 'destroying';
    preview.updatedAt = new Date().toISOString();
    return { ...preview };
  }

  private find(id: string): Preview {
    const preview = this.previews.find(p => p.id === id);
    if (!preview) {
      throw new NotFoundError(`No preview with id ${id}`);
    }
    return preview;
  }
}
