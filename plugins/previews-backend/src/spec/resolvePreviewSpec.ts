import { UrlReaderService } from '@backstage/backend-plugin-api';
import {
  ANNOTATION_SOURCE_LOCATION,
  Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import {
  InputError,
  ServiceUnavailableError,
  isError,
} from '@backstage/errors';
import {
  PREVIEWS_IMAGE_ANNOTATION,
  PREVIEWS_PORT_ANNOTATION,
  PreviewSpec,
  PreviewSpecError,
  validatePreviewSpec,
  PREVIEWS_SPEC_ANNOTATION,
} from '@backstage-previews/plugin-previews-common';
import { parse as parseYaml } from 'yaml';
import { untrustedFieldsOf, withCatalogFields } from './repoSpecTrust';
import { readAtMost } from './readAtMost';

/** The file in a component's repository that declares its preview. */
export const PREVIEW_SPEC_FILE = '.backstage/preview.yaml';
/** Name of the one workload of a spec given in the legacy single-image form. */
export const LEGACY_WORKLOAD_NAME = 'app';
/** Larger spec files are refused rather than parsed. */
const MAX_SPEC_FILE_BYTES = 256 * 1024;

/** A preview spec and where it came from. */
export interface ResolvedPreviewSpec {
  spec: PreviewSpec;
  /** Human description of the source, e.g. `repo file .backstage/preview.yaml@feature/x`. */
  source: string;
}

export interface ResolvePreviewSpecOptions {
  entity: Entity;
  branch: string;
  /**
   * Head commit of the branch, when known. The repo file is then read at this
   * commit, which also works for branch names with `/` (which Backstage's
   * GitHub reader cannot tell apart from the file path).
   */
  sha?: string;
  /** `previews.defaultSpec` of app-config. */
  defaults?: Config;
  /** Reads the repo file; without it the repo file is not looked for. */
  urlReader?: UrlReaderService;
}

/**
 * The URL of `.backstage/preview.yaml` at `ref` in the entity's repository,
 * when its `backstage.io/source-location` is a GitHub(-style) URL:
 * `url:https://<host>/<org>/<repo>[/tree|/blob/<ref>/<path>]`.
 */
export function previewSpecFileUrl(
  entity: Entity,
  ref: string,
): string | undefined {
  const location = entity.metadata.annotations?.[ANNOTATION_SOURCE_LOCATION];
  if (!location?.startsWith('url:')) return undefined;
  let url: URL;
  try {
    url = new URL(location.slice('url:'.length));
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const match =
    /^\/([^/]+)\/([^/]+?)(?:\.git)?(?:\/(?:tree|blob)\/.*)?\/?$/.exec(
      url.pathname,
    );
  if (!match) return undefined;
  const [, org, repo] = match;
  const encodedRef = ref.split('/').map(encodeURIComponent).join('/');
  return `${url.origin}/${org}/${repo}/blob/${encodedRef}/${PREVIEW_SPEC_FILE}`;
}

/** Why a spec could not be used, as an InputError naming its source and the entity. */
function invalid(
  source: string,
  entityRef: string,
  problem: string,
): InputError {
  return new InputError(
    `Invalid preview spec in ${source} of ${entityRef}: ${problem}`,
  );
}

function parseSpecText(
  text: string,
  source: string,
  entityRef: string,
): unknown {
  try {
    return parseYaml(text);
  } catch (e) {
    const reason = isError(e) ? e.message.split('\n')[0] : String(e);
    throw invalid(source, entityRef, `not valid YAML or JSON: ${reason}`);
  }
}

function validated(
  value: unknown,
  source: string,
  entityRef: string,
): ResolvedPreviewSpec {
  try {
    return { spec: validatePreviewSpec(value), source };
  } catch (e) {
    if (e instanceof PreviewSpecError) {
      throw invalid(
        source,
        entityRef,
        e.message.replace(/^Invalid preview spec: /, ''),
      );
    }
    throw e;
  }
}

async function readRepoFile(
  options: ResolvePreviewSpecOptions,
  entityRef: string,
): Promise<ResolvedPreviewSpec | undefined> {
  if (!options.urlReader) return undefined;
  const url = previewSpecFileUrl(options.entity, options.sha ?? options.branch);
  if (!url) return undefined;
  let text: string;
  try {
    const buffer = await readAtMost(
      await options.urlReader.readUrl(url),
      MAX_SPEC_FILE_BYTES,
    );
    if (!buffer) {
      throw new InputError(
        `${PREVIEW_SPEC_FILE} of ${entityRef} is larger than ${MAX_SPEC_FILE_BYTES} bytes`,
      );
    }
    text = buffer.toString('utf8');
  } catch (e) {
    if (isError(e) && e.name === 'NotFoundError') return undefined;
    if (e instanceof InputError) throw e;
    // Deploying from another source instead could deploy the wrong spec.
    throw new ServiceUnavailableError(
      `Could not read the preview spec ${PREVIEW_SPEC_FILE} of ${entityRef} at branch ${options.branch} from ${url}; try again later`,
      e,
    );
  }
  const source = `repo file ${PREVIEW_SPEC_FILE}@${options.branch}`;
  const value = parseSpecText(text, source, entityRef);
  // The file at a pull request head is untrusted: it shapes its own workloads only.
  const untrusted = untrustedFieldsOf(value);
  if (untrusted.length) {
    throw invalid(
      source,
      entityRef,
      `${untrusted.join(
        ', ',
      )} may only be set in the catalog (annotation ${PREVIEWS_SPEC_ANNOTATION}) or app-config, not in the repository's file`,
    );
  }
  const catalogSpec =
    options.entity.metadata.annotations?.[PREVIEWS_SPEC_ANNOTATION];
  const catalogValue =
    catalogSpec === undefined
      ? undefined
      : parseSpecText(
          catalogSpec,
          `annotation ${PREVIEWS_SPEC_ANNOTATION}`,
          entityRef,
        );
  return validated(
    isObject(value) ? withCatalogFields(value, catalogValue) : value,
    source,
    entityRef,
  );
}

const LEGACY_KEYS = ['image', 'port', 'env', 'replicas'] as const;

/**
 * A one-workload spec from the legacy fields {image, port, env, replicas}.
 * Other fields stay at the top level, where validation reports them.
 */
function legacySpec(fields: Record<string, unknown>): Record<string, unknown> {
  const workload: Record<string, unknown> = { name: LEGACY_WORKLOAD_NAME };
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if ((LEGACY_KEYS as readonly string[]).includes(key)) workload[key] = value;
    else rest[key] = value;
  }
  return { ...rest, workloads: [workload] };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `previews.defaultSpec` as a plain object, or undefined when unset or empty. */
function defaultsObject(
  defaults?: Config,
): Record<string, unknown> | undefined {
  const value = defaults?.get();
  if (value === undefined) return undefined;
  if (!isObject(value)) return { invalid: value };
  return Object.keys(value).length ? value : undefined;
}

/**
 * The preview spec of a component at a branch. The first source that exists
 * wins:
 *
 * 1. `.backstage/preview.yaml` in the component's repository at the branch
 *    (when its `backstage.io/source-location` points at GitHub);
 * 2. the annotation `backstage-previews.io/spec` (YAML or JSON);
 * 3. the legacy annotations `backstage-previews.io/image` and
 *    `backstage-previews.io/port` (one workload `app`; missing fields are
 *    taken from legacy fields of `previews.defaultSpec`);
 * 4. `previews.defaultSpec` of app-config, a whole spec or the legacy fields.
 *
 * Throws an InputError naming the source when the spec there is invalid or
 * when there is none, and a ServiceUnavailableError when the repo file could
 * not be read (other than not existing).
 */
export async function resolvePreviewSpec(
  options: ResolvePreviewSpecOptions,
): Promise<ResolvedPreviewSpec> {
  const { entity } = options;
  const entityRef = stringifyEntityRef(entity);
  const annotations = entity.metadata.annotations ?? {};

  const fromRepo = await readRepoFile(options, entityRef);
  if (fromRepo) return fromRepo;

  const specAnnotation = annotations[PREVIEWS_SPEC_ANNOTATION];
  if (specAnnotation !== undefined) {
    const source = `annotation ${PREVIEWS_SPEC_ANNOTATION}`;
    return validated(
      parseSpecText(specAnnotation, source, entityRef),
      source,
      entityRef,
    );
  }

  const defaults = defaultsObject(options.defaults);
  const legacyDefaults = defaults && !('workloads' in defaults) ? defaults : {};

  const image = annotations[PREVIEWS_IMAGE_ANNOTATION];
  const port = annotations[PREVIEWS_PORT_ANNOTATION];
  if (image !== undefined || port !== undefined) {
    const source = `annotations ${PREVIEWS_IMAGE_ANNOTATION} and ${PREVIEWS_PORT_ANNOTATION}`;
    const fields = {
      ...Object.fromEntries(LEGACY_KEYS.map(k => [k, legacyDefaults[k]])),
      ...(image !== undefined ? { image } : {}),
      // A port that is not a whole number stays a string so validation names it.
      ...(port !== undefined
        ? { port: /^\s*[0-9]+\s*$/.test(port) ? Number(port) : port }
        : {}),
    };
    return validated(legacySpec(fields), source, entityRef);
  }

  if (defaults) {
    const source = 'app-config previews.defaultSpec';
    const isLegacy =
      LEGACY_KEYS.some(k => k in defaults) && !('workloads' in defaults);
    return validated(
      isLegacy ? legacySpec(defaults) : defaults,
      source,
      entityRef,
    );
  }

  throw new InputError(
    `No preview spec for ${entityRef}: add ${PREVIEW_SPEC_FILE} to its repository, set the annotation ${PREVIEWS_SPEC_ANNOTATION}, or set previews.defaultSpec in app-config`,
  );
}
