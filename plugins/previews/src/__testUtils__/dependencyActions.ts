import { InputError, NotFoundError } from '@backstage/errors';
import {
  ListDependencyTargetsResponse,
  Preview,
  RerouteDependencyRequest,
} from '@backstage-previews/plugin-previews-common';
import { isLive, PreviewRecords } from './PreviewRecords';

/** Staging URLs of dependency components, by entity ref. */
export type StagingUrls = Record<string, string>;

function dependencyOf(preview: Preview, dependencyRef: string) {
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

/** Where a dependency may be routed: staging, or a live preview of it. */
export function listDependencyTargets(
  records: PreviewRecords,
  stagingUrls: StagingUrls,
  id: string,
  dependencyRef: string,
): ListDependencyTargetsResponse {
  const preview = records.find(id);
  dependencyOf(preview, dependencyRef);
  const staging = stagingUrls[dependencyRef];
  return {
    items: [
      { target: 'staging', url: staging },
      ...records.previews
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

/** Routes a dependency elsewhere; the preview redeploys. */
export function rerouteDependency(
  records: PreviewRecords,
  stagingUrls: StagingUrls,
  id: string,
  dependencyRef: string,
  request: RerouteDependencyRequest,
): Preview {
  const preview = records.live(id);
  const dependency = dependencyOf(preview, dependencyRef);
  let changed;
  if (request.target === 'staging') {
    const url = stagingUrls[dependencyRef];
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
    const target = records.previews.find(
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
  return records.change(preview, {
    status: 'provisioning',
    dependencies: preview.dependencies!.map(d =>
      d.entityRef === dependencyRef ? changed : d,
    ),
  });
}
