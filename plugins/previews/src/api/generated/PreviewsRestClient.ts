// Generated from plugins/previews-backend/src/schema/openapi.yaml by `yarn openapi:generate`: do not edit.

import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  BulkDestroyRequest,
  CreatePreviewRequest,
  CreateShareLinkRequest,
  CreatedPreviewShareLink,
  EmptyRequest,
  ExtendPreviewRequest,
  Health,
  KeepPreviewRequest,
  ListBranchesResponse,
  ListDependencyTargetsResponse,
  ListPreviewClusterEventsResponse,
  ListPreviewEventsResponse,
  ListPreviewPodsResponse,
  ListPreviewShareLinksResponse,
  OpenPreviewResponse,
  OrphanSweepReport,
  Preview,
  PreviewBypassToken,
  PreviewGroup,
  PreviewList,
  PreviewShareLink,
  PreviewsSummary,
  RedeployPreviewRequest,
  RerouteDependencyRequest,
  RestartedWorkload,
} from './models';

export type ListPreviewsInput = {
  query?: {
    /** A component ref; callers need not encode its : and /. */
    entityRef?: string;
    includeDestroyed?: boolean;
  };
};

export type CreatePreviewInput = {
  body: CreatePreviewRequest;
};

export type ListBranchesInput = {
  query: {
    entityRef: string;
    /** Part of a branch name, a title, #number or an author. */
    q?: string;
    page?: number;
  };
};

export type GetPreviewInput = {
  path: {
    /** The preview's id. */
    id: string;
  };
};

export type DestroyPreviewInput = {
  path: {
    /** The preview's id. */
    id: string;
  };
};

export type RedeployPreviewInput = {
  path: {
    /** The preview's id. */
    id: string;
  };
  body?: RedeployPreviewRequest;
};

export type ReseedPreviewInput = {
  path: {
    /** The preview's id. */
    id: string;
  };
  body?: EmptyRequest;
};

export type ExtendPreviewInput = {
  path: {
    /** The preview's id. */
    id: string;
  };
  body: ExtendPreviewRequest;
};

export type KeepPreviewInput = {
  path: {
    /** The preview's id. */
    id: string;
  };
  body: KeepPreviewRequest;
};

export type SleepPreviewInput = {
  path: {
    /** The preview's id. */
    id: string;
  };
  body?: EmptyRequest;
};

export type WakePreviewInput = {
  path: {
    /** The preview's id. */
    id: string;
  };
  body?: EmptyRequest;
};

export type ListOrphansInput = {
  query?: {
    minAgeMinutes?: number;
  };
};

export type ListPreviewEventsInput = {
  path: {
    /** The preview's id. */
    id: string;
  };
  query?: {
    limit?: number;
    /** The nextCursor of the previous page. */
    cursor?: string;
  };
};

export type BulkDestroyPreviewsInput = {
  body: BulkDestroyRequest;
};

export type ListDependencyTargetsInput = {
  path: {
    /** The preview's id. */
    id: string;
    /** A dependency's entity ref. */
    dependencyRef: string;
  };
};

export type RerouteDependencyInput = {
  path: {
    /** The preview's id. */
    id: string;
    /** A dependency's entity ref. */
    dependencyRef: string;
  };
  body: RerouteDependencyRequest;
};

export type GetGroupInput = {
  path: {
    /** A git branch name (one path segment). */
    branch: string;
  };
};

export type DestroyGroupInput = {
  path: {
    /** A git branch name (one path segment). */
    branch: string;
  };
};

export type OpenPreviewInput = {
  path: {
    /** The preview's id. */
    id: string;
  };
  body?: EmptyRequest;
};

export type ListShareLinksInput = {
  path: {
    /** The preview's id. */
    id: string;
  };
};

export type CreateShareLinkInput = {
  path: {
    /** The preview's id. */
    id: string;
  };
  body?: CreateShareLinkRequest;
};

export type RevokeShareLinkInput = {
  path: {
    /** The preview's id. */
    id: string;
    linkId: string;
  };
};

export type RotateBypassTokenInput = {
  path: {
    /** The preview's id. */
    id: string;
  };
  body?: EmptyRequest;
};

export type ListPreviewPodsInput = {
  path: {
    /** The preview's id. */
    id: string;
  };
};

export type ReadPreviewLogsInput = {
  path: {
    /** The preview's id. */
    id: string;
    pod: string;
  };
  query: {
    container: string;
    /** The run before the current one (a crash). */
    previous?: boolean;
    follow?: boolean;
    tailLines?: number;
    /** As a file. */
    download?: boolean;
  };
};

export type ListPreviewClusterEventsInput = {
  path: {
    /** The preview's id. */
    id: string;
  };
};

export type RestartPreviewWorkloadInput = {
  path: {
    /** The preview's id. */
    id: string;
    workload: string;
  };
  body?: EmptyRequest;
};

export type RerunPreviewTestsInput = {
  path: {
    /** The preview's id. */
    id: string;
  };
  body?: EmptyRequest;
};

/** Method, path template and whether a JSON body is sent, per operation. */
const operations = {
  getHealth: { method: 'GET', path: '/health', body: false },
  listPreviews: { method: 'GET', path: '/previews', body: false },
  createPreview: { method: 'POST', path: '/previews', body: true },
  listBranches: { method: 'GET', path: '/branches', body: false },
  getPreview: { method: 'GET', path: '/previews/{id}', body: false },
  destroyPreview: { method: 'DELETE', path: '/previews/{id}', body: false },
  redeployPreview: { method: 'POST', path: '/previews/{id}/redeploy', body: true },
  reseedPreview: { method: 'POST', path: '/previews/{id}/reseed', body: true },
  extendPreview: { method: 'POST', path: '/previews/{id}/extend', body: true },
  keepPreview: { method: 'POST', path: '/previews/{id}/keep', body: true },
  sleepPreview: { method: 'POST', path: '/previews/{id}/sleep', body: true },
  wakePreview: { method: 'POST', path: '/previews/{id}/wake', body: true },
  getSummary: { method: 'GET', path: '/summary', body: false },
  listOrphans: { method: 'GET', path: '/orphans', body: false },
  listPreviewEvents: { method: 'GET', path: '/previews/{id}/events', body: false },
  bulkDestroyPreviews: { method: 'POST', path: '/previews/bulk-destroy', body: true },
  listDependencyTargets: { method: 'GET', path: '/previews/{id}/dependencies/{dependencyRef}/targets', body: false },
  rerouteDependency: { method: 'PUT', path: '/previews/{id}/dependencies/{dependencyRef}', body: true },
  getGroup: { method: 'GET', path: '/groups/{branch}', body: false },
  destroyGroup: { method: 'DELETE', path: '/groups/{branch}', body: false },
  openPreview: { method: 'POST', path: '/previews/{id}/open', body: true },
  listShareLinks: { method: 'GET', path: '/previews/{id}/share-links', body: false },
  createShareLink: { method: 'POST', path: '/previews/{id}/share-links', body: true },
  revokeShareLink: { method: 'DELETE', path: '/previews/{id}/share-links/{linkId}', body: false },
  rotateBypassToken: { method: 'POST', path: '/previews/{id}/bypass-token', body: true },
  listPreviewPods: { method: 'GET', path: '/previews/{id}/pods', body: false },
  readPreviewLogs: { method: 'GET', path: '/previews/{id}/pods/{pod}/logs', body: false, text: true },
  listPreviewClusterEvents: { method: 'GET', path: '/previews/{id}/cluster-events', body: false },
  restartPreviewWorkload: { method: 'POST', path: '/previews/{id}/workloads/{workload}/restart', body: true },
  rerunPreviewTests: { method: 'POST', path: '/previews/{id}/tests/rerun', body: true },
} as const;

type Call = { path?: Record<string, string>; query?: Record<string, string | number | boolean | undefined>; body?: object };

/** The previews backend's REST API: one typed method per operation of its OpenAPI spec. */
export class PreviewsRestClient {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  /** Answers while the plugin runs (no credentials needed). */
  getHealth(): Promise<Health> {
    return this.call(operations.getHealth, {});
  }

  /** Previews the caller may read, newest first; of one component when entityRef is given. */
  listPreviews(request: ListPreviewsInput = {}): Promise<PreviewList> {
    return this.call(operations.listPreviews, request);
  }

  /** Starts provisioning a preview of a branch or of a pull request. */
  createPreview(request: CreatePreviewInput): Promise<Preview> {
    return this.call(operations.createPreview, request);
  }

  /** The branch picker; branches and open pull requests of the component's GitHub repository. */
  listBranches(request: ListBranchesInput): Promise<ListBranchesResponse> {
    return this.call(operations.listBranches, request);
  }

  /** One preview. */
  getPreview(request: GetPreviewInput): Promise<Preview> {
    return this.call(operations.getPreview, request);
  }

  /** Starts tearing the preview down. */
  destroyPreview(request: DestroyPreviewInput): Promise<Preview> {
    return this.call(operations.destroyPreview, request);
  }

  /** Deploys again, at a new head commit or the last one. */
  redeployPreview(request: RedeployPreviewInput): Promise<Preview> {
    return this.call(operations.redeployPreview, request);
  }

  /** Drops the preview's database and seeds it again. */
  reseedPreview(request: ReseedPreviewInput): Promise<Preview> {
    return this.call(operations.reseedPreview, request);
  }

  /** Moves the expiry later, up to the maximum lifetime. */
  extendPreview(request: ExtendPreviewInput): Promise<Preview> {
    return this.call(operations.extendPreview, request);
  }

  /** Pins or unpins the preview (not destroyed at expiry or when idle). */
  keepPreview(request: KeepPreviewInput): Promise<Preview> {
    return this.call(operations.keepPreview, request);
  }

  /** Scales the workloads to zero; the databases stay. */
  sleepPreview(request: SleepPreviewInput): Promise<Preview> {
    return this.call(operations.sleepPreview, request);
  }

  /** Scales a sleeping preview back up. */
  wakePreview(request: WakePreviewInput): Promise<Preview> {
    return this.call(operations.wakePreview, request);
  }

  /** Live previews the caller may read and their cost, in total, per component and per owner. */
  getSummary(): Promise<PreviewsSummary> {
    return this.call(operations.getSummary, {});
  }

  /** What the orphan sweep would delete now (a dry run; admins). */
  listOrphans(request: ListOrphansInput = {}): Promise<OrphanSweepReport> {
    return this.call(operations.listOrphans, request);
  }

  /** One page of the preview's history, oldest first. */
  listPreviewEvents(request: ListPreviewEventsInput): Promise<ListPreviewEventsResponse> {
    return this.call(operations.listPreviewEvents, request);
  }

  /** Starts destroying several previews (admins); every id is checked first. */
  bulkDestroyPreviews(request: BulkDestroyPreviewsInput): Promise<PreviewList> {
    return this.call(operations.bulkDestroyPreviews, request);
  }

  /** Where the dependency can point; staging and its live previews. */
  listDependencyTargets(request: ListDependencyTargetsInput): Promise<ListDependencyTargetsResponse> {
    return this.call(operations.listDependencyTargets, request);
  }

  /** Points the dependency at staging or at a live preview of it; the preview rolls out again. */
  rerouteDependency(request: RerouteDependencyInput): Promise<Preview> {
    return this.call(operations.rerouteDependency, request);
  }

  /** The previews of a branch that are wired to each other. */
  getGroup(request: GetGroupInput): Promise<PreviewGroup> {
    return this.call(operations.getGroup, request);
  }

  /** Starts destroying every preview of the group; each is authorized first. */
  destroyGroup(request: DestroyGroupInput): Promise<PreviewList> {
    return this.call(operations.destroyGroup, request);
  }

  /** The preview's URL to open now (read permission); protected URLs carry a token good for minutes. */
  openPreview(request: OpenPreviewInput): Promise<OpenPreviewResponse> {
    return this.call(operations.openPreview, request);
  }

  /** The preview's share links with their creators, revoked ones included; never their URLs. */
  listShareLinks(request: ListShareLinksInput): Promise<ListPreviewShareLinksResponse> {
    return this.call(operations.listShareLinks, request);
  }

  /** A link for a reviewer without a portal account (update permission); its URL is answered this once. */
  createShareLink(request: CreateShareLinkInput): Promise<CreatedPreviewShareLink> {
    return this.call(operations.createShareLink, request);
  }

  /** Revokes a share link (update permission); the next request with it is refused. */
  revokeShareLink(request: RevokeShareLinkInput): Promise<PreviewShareLink> {
    return this.call(operations.revokeShareLink, request);
  }

  /** A new token for automation, sent in a header (update permission); the old one stops working. */
  rotateBypassToken(request: RotateBypassTokenInput): Promise<PreviewBypassToken> {
    return this.call(operations.rotateBypassToken, request);
  }

  /** The preview's pods with their containers' real states (read permission). */
  listPreviewPods(request: ListPreviewPodsInput): Promise<ListPreviewPodsResponse> {
    return this.call(operations.listPreviewPods, request);
  }

  /** A container's log, its own secret values redacted (read permission); with follow, new lines as they are written. */
  readPreviewLogs(request: ReadPreviewLogsInput): Promise<Response> {
    return this.call(operations.readPreviewLogs, request);
  }

  /** The cluster's events about the preview's objects, oldest first (read permission). */
  listPreviewClusterEvents(request: ListPreviewClusterEventsInput): Promise<ListPreviewClusterEventsResponse> {
    return this.call(operations.listPreviewClusterEvents, request);
  }

  /** Rolls one workload's pods (update permission). */
  restartPreviewWorkload(request: RestartPreviewWorkloadInput): Promise<RestartedWorkload> {
    return this.call(operations.restartPreviewWorkload, request);
  }

  /** Runs the smoke tests of the rollout deployed again (update permission); 409 while a run has not ended or the preview is not ready. */
  rerunPreviewTests(request: RerunPreviewTestsInput): Promise<Preview> {
    return this.call(operations.rerunPreviewTests, request);
  }

  private async call<T>(operation: { method: string; path: string; body: boolean; text?: boolean }, request: Call): Promise<T> {
    const path = operation.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(request.path![name]));
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) query.set(name, String(value));
    }
    const search = query.toString();
    const init: RequestInit = { method: operation.method };
    if (operation.body) {
      init.headers = { 'Content-Type': 'application/json' };
      init.body = JSON.stringify(request.body ?? {});
    }
    const baseUrl = await this.discoveryApi.getBaseUrl('previews');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}${search ? `?${search}` : ''}`, init);
    if (!response.ok) throw await ResponseError.fromResponse(response);
    // A text answer may be a stream that never ends (a followed log): its reader is the caller's.
    if (operation.text) return response as T;
    return (await response.json()) as T;
  }
}
