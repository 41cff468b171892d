/**
 * JSON schema (draft-07) of {@link PreviewSpec}. It is the authority on the
 * shape of a spec; the TypeScript types in `spec.ts` mirror it (exactly:
 * `specTypesMatchSchema.ts` checks at compile time). Rules that a
 * schema cannot express (unique names, references between fields) are checked
 * by `validatePreviewSpec`.
 */

import { DATABASES_PATTERN_HINTS, databasesSchema } from './databasesSchema';
import {
  DEPENDENCIES_PATTERN_HINTS,
  dependenciesSchema,
  stagingUrlSchema,
} from './dependenciesSchema';

/** Lower-case letters, digits and `-`, starting with a letter, ending alphanumeric. */
const DNS_1035_LABEL = '^[a-z]([-a-z0-9]*[a-z0-9])?$';
/** Lower-case letters, digits and `-`, alphanumeric at both ends. */
const DNS_1123_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
/** DNS-1123 labels joined by dots. */
const DNS_1123_SUBDOMAIN =
  '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
/** A Kubernetes label key: an optional DNS subdomain prefix and `/`, then a name. */
const LABEL_KEY =
  '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$';
/** A Kubernetes label value (may be empty). */
const LABEL_VALUE = '^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$';
/** An environment variable name. */
const ENV_NAME = '^[A-Za-z_][A-Za-z0-9_]*$';
/** Env names a test may set: `PREVIEW_*` are the backend's (the URL, the bypass token). */
const TEST_ENV_NAME = '^(?!PREVIEW_)[A-Za-z_][A-Za-z0-9_]*$';
/** An image reference without spaces whose only placeholders are the known ones. */
const IMAGE = '^[^\\s{}]*(\\{(branch|sha|shortSha)\\}[^\\s{}]*)*$';
/** Whole or milli cores: `1`, `0.5`, `250m`. */
const CPU_QUANTITY = '^([0-9]+(\\.[0-9]+)?|\\.[0-9]+)m?$';
/** Bytes with an optional binary or decimal suffix: `128Mi`, `1G`, `1000000`. */
const MEMORY_QUANTITY =
  '^([0-9]+(\\.[0-9]+)?|\\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$';
/** An absolute HTTP path without spaces. */
const HTTP_PATH = '^/\\S*$';
/** Any text without spaces. */
const NO_SPACES = '^\\S+$';
/** Any text without spaces or template braces other than the known placeholders. */
const TEMPLATED_TEXT =
  '^[^\\s{}]*(\\{(branch|sha|shortSha|host)\\}[^\\s{}]*)*$';

/**
 * Human explanations of the patterns above, used in error messages.
 *
 * @public
 */
export const PREVIEW_SPEC_PATTERN_HINTS: Readonly<Record<string, string>> = {
  [DNS_1035_LABEL]:
    'must consist of lower-case letters, digits and "-", start with a letter and end with a letter or digit',
  [DNS_1123_LABEL]:
    'must be a DNS-1123 label (lower-case letters, digits and "-", starting and ending with a letter or digit)',
  [DNS_1123_SUBDOMAIN]:
    'must be a DNS-1123 subdomain (lower-case letters, digits, "-" and ".", starting and ending with a letter or digit)',
  [LABEL_KEY]: 'must be a Kubernetes label key, e.g. "kubernetes.io/arch"',
  [LABEL_VALUE]:
    'must be a Kubernetes label value (letters, digits, "-", "_" and ".", starting and ending with a letter or digit)',
  [ENV_NAME]:
    'must be an environment variable name (letters, digits and "_", not starting with a digit)',
  [TEST_ENV_NAME]:
    'must be an environment variable name not starting with PREVIEW_ (those are given to every test)',
  [IMAGE]:
    'must be an image reference without spaces; the only placeholders are {branch}, {sha} and {shortSha}',
  [CPU_QUANTITY]: 'must be a CPU quantity such as "1", "0.5" or "250m"',
  [MEMORY_QUANTITY]:
    'must be a memory quantity such as "128Mi", "1Gi" or "500M"',
  [HTTP_PATH]: 'must be an HTTP path starting with "/" and without spaces',
  [NO_SPACES]: 'must not contain spaces',
  [TEMPLATED_TEXT]:
    'must not contain spaces; the only placeholders are {branch}, {sha}, {shortSha} and {host}',
  ...DATABASES_PATTERN_HINTS,
  ...DEPENDENCIES_PATTERN_HINTS,
};

/**
 * Longest workload name: leaves room for suffixes such as `-env` in object names.
 *
 * @public
 */
export const MAX_WORKLOAD_NAME_LENGTH = 40;

/** A map with checked keys; generic in `value` so `FromSchema` sees its type. */
const stringMap = <const V extends object>(
  keyPattern: string,
  keyMax: number,
  value: V,
) =>
  ({
    type: 'object',
    propertyNames: { pattern: keyPattern, maxLength: keyMax },
    additionalProperties: value,
  } as const);

const resourceList = {
  type: 'object',
  additionalProperties: false,
  properties: {
    cpu: { type: 'string', pattern: CPU_QUANTITY },
    memory: { type: 'string', pattern: MEMORY_QUANTITY },
  },
} as const;

const workload = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'image'],
  properties: {
    name: {
      type: 'string',
      minLength: 1,
      maxLength: MAX_WORKLOAD_NAME_LENGTH,
      pattern: DNS_1035_LABEL,
    },
    image: { type: 'string', minLength: 1, maxLength: 512, pattern: IMAGE },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    command: { type: 'array', items: { type: 'string' } },
    args: { type: 'array', items: { type: 'string' } },
    env: stringMap(ENV_NAME, 255, { type: 'string' }),
    envFromSecrets: {
      type: 'array',
      items: { type: 'string', maxLength: 253, pattern: DNS_1123_SUBDOMAIN },
    },
    resources: {
      type: 'object',
      additionalProperties: false,
      properties: { requests: resourceList, limits: resourceList },
    },
    readinessPath: { type: 'string', maxLength: 1024, pattern: HTTP_PATH },
    replicas: { type: 'integer', minimum: 0, maximum: 10 },
    // Never 0: root is what Pod Security `restricted` refuses.
    runAsUser: { type: 'integer', minimum: 1, maximum: 2147483647 },
  },
} as const;

const test = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'image'],
  properties: {
    name: {
      type: 'string',
      minLength: 1,
      maxLength: MAX_WORKLOAD_NAME_LENGTH,
      pattern: DNS_1035_LABEL,
    },
    image: { type: 'string', minLength: 1, maxLength: 512, pattern: IMAGE },
    command: {
      type: 'array',
      maxItems: 50,
      items: { type: 'string', maxLength: 4096 },
    },
    args: {
      type: 'array',
      maxItems: 50,
      items: { type: 'string', maxLength: 4096 },
    },
    env: stringMap(TEST_ENV_NAME, 255, { type: 'string', maxLength: 4096 }),
    timeoutSeconds: { type: 'integer', minimum: 10, maximum: 3600 },
    runAsUser: { type: 'integer', minimum: 1, maximum: 2147483647 },
  },
} as const;

const secret = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'copyFrom'],
  properties: {
    name: {
      type: 'string',
      minLength: 1,
      maxLength: 253,
      pattern: DNS_1123_SUBDOMAIN,
    },
    copyFrom: {
      type: 'object',
      additionalProperties: false,
      required: ['namespace', 'name'],
      properties: {
        namespace: {
          type: 'string',
          minLength: 1,
          maxLength: 63,
          pattern: DNS_1123_LABEL,
        },
        name: {
          type: 'string',
          minLength: 1,
          maxLength: 253,
          pattern: DNS_1123_SUBDOMAIN,
        },
      },
    },
  },
} as const;

const toleration = {
  type: 'object',
  additionalProperties: false,
  properties: {
    key: { type: 'string', maxLength: 317, pattern: LABEL_KEY },
    operator: { type: 'string', enum: ['Exists', 'Equal'] },
    value: { type: 'string', maxLength: 63, pattern: LABEL_VALUE },
    effect: {
      type: 'string',
      enum: ['NoSchedule', 'PreferNoSchedule', 'NoExecute'],
    },
  },
} as const;

const argocd = {
  type: 'object',
  additionalProperties: false,
  required: ['path'],
  properties: {
    path: { type: 'string', minLength: 1, maxLength: 1024, pattern: NO_SPACES },
    project: {
      type: 'string',
      minLength: 1,
      maxLength: 253,
      pattern: DNS_1123_SUBDOMAIN,
    },
    repoURL: {
      type: 'string',
      minLength: 1,
      maxLength: 2048,
      pattern: NO_SPACES,
    },
    kustomize: {
      type: 'object',
      additionalProperties: false,
      properties: {
        images: {
          type: 'array',
          maxItems: 50,
          items: {
            type: 'string',
            minLength: 1,
            maxLength: 512,
            pattern: IMAGE,
          },
        },
      },
    },
    helm: {
      type: 'object',
      additionalProperties: false,
      properties: {
        valueFiles: {
          type: 'array',
          maxItems: 50,
          items: {
            type: 'string',
            minLength: 1,
            maxLength: 1024,
            pattern: NO_SPACES,
          },
        },
        imageTagParameter: {
          type: 'string',
          minLength: 1,
          maxLength: 253,
          pattern: NO_SPACES,
        },
        hostParameter: {
          type: 'string',
          minLength: 1,
          maxLength: 253,
          pattern: NO_SPACES,
        },
        parameters: stringMap(NO_SPACES, 253, {
          type: 'string',
          maxLength: 1024,
          pattern: TEMPLATED_TEXT,
        }),
      },
    },
  },
} as const;

/**
 * The JSON schema of a preview spec (`.backstage/preview.yaml`, the
 * `backstage-previews.io/spec` annotation, `previews.defaultSpec`).
 *
 * @public
 */
export const previewSpecSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://backstage-previews.io/schemas/preview-spec.json',
  title: 'Backstage Previews preview spec',
  type: 'object',
  additionalProperties: false,
  required: ['workloads'],
  properties: {
    workloads: { type: 'array', minItems: 1, maxItems: 20, items: workload },
    expose: {
      type: 'string',
      maxLength: MAX_WORKLOAD_NAME_LENGTH,
      pattern: DNS_1035_LABEL,
    },
    secrets: { type: 'array', maxItems: 50, items: secret },
    imagePullSecrets: {
      type: 'array',
      items: { type: 'string', maxLength: 253, pattern: DNS_1123_SUBDOMAIN },
    },
    nodeSelector: stringMap(LABEL_KEY, 317, {
      type: 'string',
      maxLength: 63,
      pattern: LABEL_VALUE,
    }),
    tolerations: { type: 'array', items: toleration },
    cluster: {
      type: 'string',
      minLength: 1,
      maxLength: 253,
      pattern: NO_SPACES,
    },
    engine: { type: 'string', enum: ['kubernetes', 'argocd'] },
    argocd,
    databases: databasesSchema,
    stagingUrl: stagingUrlSchema,
    dependencies: dependenciesSchema,
    tests: { type: 'array', maxItems: 10, items: test },
  },
} as const;
