import {
  PreviewDependency,
  PreviewStatus,
} from '@backstage-previews/plugin-previews-common';
import { PREVIEWS_STAGING_URL_ANNOTATION } from '@backstage-previews/plugin-previews-common';
import { dependencyName } from './dependencyEnvName';
import type {
  DependencyPreviewFacts,
  DependencyRoute,
  ResolvedDependency,
} from '../types';

/** Statuses of a preview others can be routed to. */
export const ROUTABLE_STATUSES: readonly PreviewStatus[] = [
  'provisioning',
  'ready',
  'degraded',
];

/** One dependency of a preview with what the catalog says about it. */
export interface DependencyFacts {
  entityRef: string;
  env: string;
  /** Its staging URL, when it declares one. */
  stagingUrl?: string;
  /** Why nothing could be read about it (e.g. not in the catalog). */
  problem?: string;
}

/**
 * The URL a preview in `fromCluster` reaches a target preview at: its
 * in-cluster address from the same cluster, else its public URL.
 */
export function reachableUrl(
  target: Pick<DependencyPreviewFacts, 'cluster' | 'serviceUrl' | 'publicUrl'>,
  fromCluster: string | undefined,
): string | undefined {
  return (target.cluster ?? '') === (fromCluster ?? '')
    ? target.serviceUrl
    : target.publicUrl;
}

/** The message of a dependency without a staging URL: what to set. */
export function missingStagingUrlMessage(entityRef: string): string {
  return `${dependencyName(
    entityRef,
  )} has no staging URL: set the annotation ${PREVIEWS_STAGING_URL_ANNOTATION} on ${entityRef} or stagingUrl in its preview spec`;
}

/**
 * Where each dependency of a preview points (pure). Only direct
 * dependencies are resolved, so cycles cannot loop. In order:
 * 1. a route to a preview that is live and reachable → that preview;
 * 2. a user's route to staging → staging;
 * 3. a live, reachable preview of the dependency on the same branch (a
 *    preview group) → that preview;
 * 4. the dependency's staging URL → staging (with a route's notice);
 * 5. otherwise `unresolved`, with a message saying what to set.
 * A route to a preview that is gone falls back like 4–5 (to staging, not to
 * another preview the user did not choose), saying so.
 */
export function resolveDependencies(input: {
  previewId: string;
  branch: string;
  /** The dependent preview's cluster. */
  cluster?: string;
  dependencies: DependencyFacts[];
  routes: DependencyRoute[];
  /** Previews of the dependency components (any status). */
  previews: DependencyPreviewFacts[];
}): ResolvedDependency[] {
  const routable = (p: DependencyPreviewFacts | undefined): boolean =>
    p !== undefined &&
    p.id !== input.previewId &&
    ROUTABLE_STATUSES.includes(p.status) &&
    reachableUrl(p, input.cluster) !== undefined;
  const toPreview = (
    dep: DependencyFacts,
    p: DependencyPreviewFacts,
  ): ResolvedDependency => ({
    entityRef: dep.entityRef,
    env: dep.env,
    target: 'preview',
    url: reachableUrl(p, input.cluster),
    previewId: p.id,
    previewName: p.name,
    branch: p.branch,
    ...(dep.stagingUrl ? { stagingUrl: dep.stagingUrl } : {}),
  });

  return input.dependencies.map(dep => {
    const ref = dep.entityRef.toLocaleLowerCase('en-US');
    const ofDependency = input.previews.filter(
      p => p.entityRef.toLocaleLowerCase('en-US') === ref,
    );
    const route = input.routes.find(
      r => r.dependencyRef.toLocaleLowerCase('en-US') === ref,
    );
    let notice = route?.message;

    if (route?.targetPreviewId) {
      const target = ofDependency.find(p => p.id === route.targetPreviewId);
      if (target && routable(target)) return toPreview(dep, target);
      notice = `${dependencyName(dep.entityRef)} preview ${
        target?.name ?? route.targetPreviewId
      } is ${target?.status ?? 'gone'}; now using ${
        dep.stagingUrl ? 'staging' : 'nothing'
      }`;
    } else if (!route?.explicit) {
      const sameBranch = ofDependency.find(
        p => p.branch === input.branch && routable(p),
      );
      if (sameBranch && routable(sameBranch)) return toPreview(dep, sameBranch);
    }

    if (dep.stagingUrl) {
      return {
        entityRef: dep.entityRef,
        env: dep.env,
        target: 'staging',
        url: dep.stagingUrl,
        stagingUrl: dep.stagingUrl,
        ...(notice ? { message: notice } : {}),
      };
    }
    return {
      entityRef: dep.entityRef,
      env: dep.env,
      target: 'unresolved',
      message: [dep.problem ?? missingStagingUrlMessage(dep.entityRef), notice]
        .filter(Boolean)
        .join('; '),
    };
  });
}

/** What an engine injects: the URL of each dependency that has one (and the preview it points to). */
export function dependencyEnv(
  resolved: PreviewDependency[],
): Array<{ env: string; url: string; previewName?: string }> {
  return resolved
    .filter(d => d.url !== undefined)
    .map(d => ({
      env: d.env,
      url: d.url!,
      ...(d.target === 'preview' && d.previewName
        ? { previewName: d.previewName }
        : {}),
    }));
}
