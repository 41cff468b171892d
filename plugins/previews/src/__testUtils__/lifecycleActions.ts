import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  BranchPickerItem,
  CreatePreviewRequest,
  Preview,
} from '@backstage-previews/plugin-previews-common';
import { previewFixture } from './previewFixture';
import { PreviewRecords } from './PreviewRecords';

const BRANCH_PATTERN = /^[A-Za-z0-9._/-]+$/;

/** Create, checked like the backend: a pull request resolves to its branch; one live preview per branch. */
export function createPreview(
  records: PreviewRecords,
  branchItems: readonly BranchPickerItem[],
  asked: CreatePreviewRequest,
): Preview {
  let request = asked;
  if (request.pullRequest !== undefined) {
    const pr = branchItems.find(i => i.number === request.pullRequest);
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
  const existing = records.previews.find(
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
  const sequence = records.nextSequence();
  const now = new Date(Date.now() + sequence).toISOString();
  const preview = previewFixture({
    id: `new-${sequence}`,
    entityRef: request.entityRef,
    branch,
    status: 'provisioning',
    createdAt: now,
  });
  records.previews.push(preview);
  return { ...preview };
}

export function destroyPreview(records: PreviewRecords, id: string): Preview {
  const preview = records.find(id);
  preview.status = 'destroying';
  preview.updatedAt = new Date().toISOString();
  return { ...preview };
}

export function redeployPreview(
  records: PreviewRecords,
  id: string,
  sha?: string,
): Preview {
  const preview = records.live(id);
  return records.change(preview, {
    status: 'provisioning',
    ...(sha ? { sha } : {}),
  });
}

/** Moves the expiry by whole hours, never past the maximum lifetime. */
export function extendPreview(
  records: PreviewRecords,
  id: string,
  hours: number,
): Preview {
  const preview = records.live(id);
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
  return records.change(preview, {
    expiresAt: new Date(wanted).toISOString(),
  });
}

export function keepPreview(
  records: PreviewRecords,
  id: string,
  keep: boolean,
): Preview {
  return records.change(records.live(id), { keep });
}

export function sleepPreview(records: PreviewRecords, id: string): Preview {
  const preview = records.live(id);
  if (preview.status !== 'ready' && preview.status !== 'degraded') {
    throw new ConflictError(`Cannot sleep a preview that is ${preview.status}`);
  }
  return records.change(preview, { status: 'sleeping' });
}

export function wakePreview(records: PreviewRecords, id: string): Preview {
  const preview = records.live(id);
  if (preview.status !== 'sleeping') {
    throw new ConflictError(`Cannot wake a preview that is ${preview.status}`);
  }
  return records.change(preview, { status: 'provisioning' });
}

/** As the backend: the next run, running; refused while one has not ended. */
export function rerunPreviewTests(
  records: PreviewRecords,
  id: string,
): Preview {
  const preview = records.live(id);
  const tests = preview.tests;
  if (!tests)
    throw new InputError(`The preview spec of ${preview.name} has no tests`);
  if (tests.status === 'pending' || tests.status === 'running') {
    throw new ConflictError(
      `Run ${tests.run} of the tests of ${preview.name} has not ended yet`,
    );
  }
  return records.change(preview, {
    tests: {
      run: tests.run + 1,
      status: 'running',
      trigger: 'rerun',
      results: tests.results.map(r => ({ name: r.name, status: 'running' })),
    },
  });
}

export function reseedPreview(records: PreviewRecords, id: string): Preview {
  const preview = records.live(id);
  if (!preview.seed || preview.seed.phase === 'none') {
    throw new InputError(`Preview ${preview.name} has no database to seed`);
  }
  return records.change(preview, {
    seed: { phase: 'pending', version: preview.seed.version },
  });
}

export function bulkDestroyPreviews(
  records: PreviewRecords,
  ids: string[],
): { items: Preview[] } {
  const previews = ids.map(id => records.find(id));
  return {
    items: previews.map(p => records.change(p, { status: 'destroying' })),
  };
}
