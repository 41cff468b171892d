// Generated from plugins/previews-backend/src/schema/openapi.yaml by `yarn openapi:generate`: do not edit.

import { schemas } from './openapiSchemas.generated';

/** The previews REST API (`openapi.yaml`), for `createValidatedOpenApiRouter`. */
export const spec = {
  openapi: '3.0.3',
  info: {
    title: 'previews', version: '1',
    description: 'The REST API of the previews backend plugin (/api/previews); `yarn openapi:generate` writes code from it.',
    license: { name: 'Apache-2.0' },
  },
  servers: [{ url: '/' }],
  components: {
    parameters: {
      id: { name: 'id', in: 'path', required: true, description: 'The preview\'s id.', schema: { type: 'string' } },
      dependencyRef: {
        name: 'dependencyRef', in: 'path', required: true, description: 'A dependency\'s entity ref.',
        schema: { type: 'string' },
      },
      branch: {
        name: 'branch', in: 'path', required: true, description: 'A git branch name (one path segment).',
        schema: { type: 'string' },
      },
    },
    responses: {
      Error: {
        description: 'What went wrong.',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponse' } } },
      },
      Preview: {
        description: 'The preview.',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Preview' } } },
      },
      Previews: {
        description: 'The previews.',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/PreviewList' } } },
      },
    },
    requestBodies: {
      Empty: {
        required: false, content: { 'application/json': { schema: { $ref: '#/components/schemas/EmptyRequest' } } },
      },
    },
    schemas,
  },
  paths: {
    '/health': {
      get: {
        operationId: 'getHealth', description: 'Answers while the plugin runs (no credentials needed).',
        responses: {
          '200': {
            description: 'Up.', content: { 'application/json': { schema: { $ref: '#/components/schemas/Health' } } },
          },
          default: { $ref: '#/components/responses/Error' },
        },
      },
    },
    '/previews': {
      get: {
        operationId: 'listPreviews',
        description: 'Previews the caller may read, newest first; of one component when entityRef is given.',
        parameters: [
          {
            name: 'entityRef', in: 'query', allowReserved: true,
            description: 'A component ref; callers need not encode its : and /.', schema: { type: 'string' },
          },
          { name: 'includeDestroyed', in: 'query', schema: { type: 'boolean' } },
        ],
        responses: {
          '200': { $ref: '#/components/responses/Previews' }, default: { $ref: '#/components/responses/Error' },
        },
      },
      post: {
        operationId: 'createPreview', description: 'Starts provisioning a preview of a branch or of a pull request.',
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/CreatePreviewRequest' } } },
        },
        responses: {
          '201': { $ref: '#/components/responses/Preview' }, default: { $ref: '#/components/responses/Error' },
        },
      },
    },
    '/branches': {
      get: {
        operationId: 'listBranches',
        description: 'The branch picker; branches and open pull requests of the component\'s GitHub repository.',
        parameters: [
          { name: 'entityRef', in: 'query', required: true, allowReserved: true, schema: { type: 'string' } },
          {
            name: 'q', in: 'query', allowReserved: true,
            description: 'Part of a branch name, a title, #number or an author.',
            schema: { type: 'string', maxLength: 200 },
          },
          { name: 'page', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000 } },
        ],
        responses: {
          '200': {
            description: 'One page.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/ListBranchesResponse' } } },
          },
          default: { $ref: '#/components/responses/Error' },
        },
      },
    },
    '/previews/{id}': {
      get: {
        operationId: 'getPreview', description: 'One preview.', parameters: [{ $ref: '#/components/parameters/id' }],
        responses: {
          '200': { $ref: '#/components/responses/Preview' }, default: { $ref: '#/components/responses/Error' },
        },
      },
      delete: {
        operationId: 'destroyPreview', description: 'Starts tearing the preview down.',
        parameters: [{ $ref: '#/components/parameters/id' }],
        responses: {
          '202': { $ref: '#/components/responses/Preview' }, default: { $ref: '#/components/responses/Error' },
        },
      },
    },
    '/previews/{id}/redeploy': {
      post: {
        operationId: 'redeployPreview', description: 'Deploys again, at a new head commit or the last one.',
        parameters: [{ $ref: '#/components/parameters/id' }],
        requestBody: {
          required: false,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/RedeployPreviewRequest' } } },
        },
        responses: {
          '200': { $ref: '#/components/responses/Preview' }, default: { $ref: '#/components/responses/Error' },
        },
      },
    },
    '/previews/{id}/reseed': {
      post: {
        operationId: 'reseedPreview', description: 'Drops the preview\'s database and seeds it again.',
        parameters: [{ $ref: '#/components/parameters/id' }], requestBody: { $ref: '#/components/requestBodies/Empty' },
        responses: {
          '200': { $ref: '#/components/responses/Preview' }, default: { $ref: '#/components/responses/Error' },
        },
      },
    },
    '/previews/{id}/extend': {
      post: {
        operationId: 'extendPreview', description: 'Moves the expiry later, up to the maximum lifetime.',
        parameters: [{ $ref: '#/components/parameters/id' }],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/ExtendPreviewRequest' } } },
        },
        responses: {
          '200': { $ref: '#/components/responses/Preview' }, default: { $ref: '#/components/responses/Error' },
        },
      },
    },
    '/previews/{id}/keep': {
      post: {
        operationId: 'keepPreview', description: 'Pins or unpins the preview (not destroyed at expiry or when idle).',
        parameters: [{ $ref: '#/components/parameters/id' }],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/KeepPreviewRequest' } } },
        },
        responses: {
          '200': { $ref: '#/components/responses/Preview' }, default: { $ref: '#/components/responses/Error' },
        },
      },
    },
    '/previews/{id}/sleep': {
      post: {
        operationId: 'sleepPreview', description: 'Scales the workloads to zero; the databases stay.',
        parameters: [{ $ref: '#/components/parameters/id' }], requestBody: { $ref: '#/components/requestBodies/Empty' },
        responses: {
          '200': { $ref: '#/components/responses/Preview' }, default: { $ref: '#/components/responses/Error' },
        },
      },
    },
    '/previews/{id}/wake': {
      post: {
        operationId: 'wakePreview', description: 'Scales a sleeping preview back up.',
        parameters: [{ $ref: '#/components/parameters/id' }], requestBody: { $ref: '#/components/requestBodies/Empty' },
        responses: {
          '200': { $ref: '#/components/responses/Preview' }, default: { $ref: '#/components/responses/Error' },
        },
      },
    },
    '/summary': {
      get: {
        operationId: 'getSummary',
        description: 'Live previews the caller may read and their cost, in total, per component and per owner.',
        responses: {
          '200': {
            description: 'The summary.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/PreviewsSummary' } } },
          },
          default: { $ref: '#/components/responses/Error' },
        },
      },
    },
    '/orphans': {
      get: {
        operationId: 'listOrphans', description: 'What the orphan sweep would delete now (a dry run; admins).',
        parameters: [{ name: 'minAgeMinutes', in: 'query', schema: { type: 'integer', minimum: 0, maximum: 525600 } }],
        responses: {
          '200': {
            description: 'The dry run\'s report.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/OrphanSweepReport' } } },
          },
          default: { $ref: '#/components/responses/Error' },
        },
      },
    },
    '/previews/{id}/events': {
      get: {
        operationId: 'listPreviewEvents', description: 'One page of the preview\'s history, oldest first.',
        parameters: [
          { $ref: '#/components/parameters/id' },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000 } },
          {
            name: 'cursor', in: 'query', description: 'The nextCursor of the previous page.',
            schema: { type: 'string', pattern: '^\\d{1,15}$' },
          },
        ],
        responses: {
          '200': {
            description: 'A page.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/ListPreviewEventsResponse' } } },
          },
          default: { $ref: '#/components/responses/Error' },
        },
      },
    },
    '/previews/bulk-destroy': {
      post: {
        operationId: 'bulkDestroyPreviews',
        description: 'Starts destroying several previews (admins); every id is checked first.',
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/BulkDestroyRequest' } } },
        },
        responses: {
          '202': { $ref: '#/components/responses/Previews' }, default: { $ref: '#/components/responses/Error' },
        },
      },
    },
    '/previews/{id}/dependencies/{dependencyRef}/targets': {
      get: {
        operationId: 'listDependencyTargets',
        description: 'Where the dependency can point; staging and its live previews.',
        parameters: [{ $ref: '#/components/parameters/id' }, { $ref: '#/components/parameters/dependencyRef' }],
        responses: {
          '200': {
            description: 'The choices.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/ListDependencyTargetsResponse' } } },
          },
          default: { $ref: '#/components/responses/Error' },
        },
      },
    },
    '/previews/{id}/dependencies/{dependencyRef}': {
      put: {
        operationId: 'rerouteDependency',
        description: 'Points the dependency at staging or at a live preview of it; the preview rolls out again.',
        parameters: [{ $ref: '#/components/parameters/id' }, { $ref: '#/components/parameters/dependencyRef' }],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/RerouteDependencyRequest' } } },
        },
        responses: {
          '200': { $ref: '#/components/responses/Preview' }, default: { $ref: '#/components/responses/Error' },
        },
      },
    },
    '/groups/{branch}': {
      get: {
        operationId: 'getGroup', description: 'The previews of a branch that are wired to each other.',
        parameters: [{ $ref: '#/components/parameters/branch' }],
        responses: {
          '200': {
            description: 'The group.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/PreviewGroup' } } },
          },
          default: { $ref: '#/components/responses/Error' },
        },
      },
      delete: {
        operationId: 'destroyGroup',
        description: 'Starts destroying every preview of the group; each is authorized first.',
        parameters: [{ $ref: '#/components/parameters/branch' }],
        responses: {
          '202': { $ref: '#/components/responses/Previews' }, default: { $ref: '#/components/responses/Error' },
        },
      },
    },
    '/previews/{id}/open': {
      post: {
        operationId: 'openPreview',
        description: 'The preview\'s URL to open now (read permission); protected URLs carry a token good for minutes.',
        parameters: [{ $ref: '#/components/parameters/id' }], requestBody: { $ref: '#/components/requestBodies/Empty' },
        responses: {
          '200': {
            description: 'The URL.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/OpenPreviewResponse' } } },
          },
          default: { $ref: '#/components/responses/Error' },
        },
      },
    },
    '/previews/{id}/share-links': {
      get: {
        operationId: 'listShareLinks',
        description: 'The preview\'s share links with their creators, revoked ones included; never their URLs.',
        parameters: [{ $ref: '#/components/parameters/id' }],
        responses: {
          '200': {
            description: 'The links.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/ListPreviewShareLinksResponse' } } },
          },
          default: { $ref: '#/components/responses/Error' },
        },
      },
      post: {
        operationId: 'createShareLink',
        description: 'A link for a reviewer without a portal account (update permission); its URL is answered this once.',
        parameters: [{ $ref: '#/components/parameters/id' }],
        requestBody: {
          required: false,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/CreateShareLinkRequest' } } },
        },
        responses: {
          '201': {
            description: 'The link.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/CreatedPreviewShareLink' } } },
          },
          default: { $ref: '#/components/responses/Error' },
        },
      },
    },
    '/previews/{id}/share-links/{linkId}': {
      delete: {
        operationId: 'revokeShareLink',
        description: 'Revokes a share link (update permission); the next request with it is refused.',
        parameters: [
          { $ref: '#/components/parameters/id' },
          { name: 'linkId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
        ],
        responses: {
          '200': {
            description: 'The revoked link.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/PreviewShareLink' } } },
          },
          default: { $ref: '#/components/responses/Error' },
        },
      },
    },
    '/previews/{id}/bypass-token': {
      post: {
        operationId: 'rotateBypassToken',
        description: 'A new token for automation, sent in a header (update permission); the old one stops working.',
        parameters: [{ $ref: '#/components/parameters/id' }], requestBody: { $ref: '#/components/requestBodies/Empty' },
        responses: {
          '200': {
            description: 'The token, shown this once.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/PreviewBypassToken' } } },
          },
          default: { $ref: '#/components/responses/Error' },
        },
      },
    },
    '/previews/{id}/pods': {
      get: {
        operationId: 'listPreviewPods',
        description: 'The preview\'s pods with their containers\' real states (read permission).',
        parameters: [{ $ref: '#/components/parameters/id' }],
        responses: {
          '200': {
            description: 'The pods.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/ListPreviewPodsResponse' } } },
          },
          default: { $ref: '#/components/responses/Error' },
        },
      },
    },
    '/previews/{id}/pods/{pod}/logs': {
      get: {
        operationId: 'readPreviewLogs',
        description: 'A container\'s log, its own secret values redacted (read permission); with follow, new lines as they are written.',
        parameters: [
          { $ref: '#/components/parameters/id' },
          { name: 'pod', in: 'path', required: true, schema: { type: 'string', maxLength: 253 } },
          { name: 'container', in: 'query', required: true, schema: { type: 'string', maxLength: 63 } },
          {
            name: 'previous', in: 'query', description: 'The run before the current one (a crash).',
            schema: { type: 'boolean' },
          },
          { name: 'follow', in: 'query', schema: { type: 'boolean' } },
          { name: 'tailLines', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100000 } },
          { name: 'download', in: 'query', description: 'As a file.', schema: { type: 'boolean' } },
        ],
        responses: {
          '200': { description: 'The log.', content: { 'text/plain': { schema: { type: 'string' } } } },
          default: { $ref: '#/components/responses/Error' },
        },
      },
    },
    '/previews/{id}/cluster-events': {
      get: {
        operationId: 'listPreviewClusterEvents',
        description: 'The cluster\'s events about the preview\'s objects, oldest first (read permission).',
        parameters: [{ $ref: '#/components/parameters/id' }],
        responses: {
          '200': {
            description: 'The events.',
            content: {
              'application/json': { schema: { $ref: '#/components/schemas/ListPreviewClusterEventsResponse' } },
            },
          },
          default: { $ref: '#/components/responses/Error' },
        },
      },
    },
    '/previews/{id}/workloads/{workload}/restart': {
      post: {
        operationId: 'restartPreviewWorkload', description: 'Rolls one workload\'s pods (update permission).',
        parameters: [
          { $ref: '#/components/parameters/id' },
          { name: 'workload', in: 'path', required: true, schema: { type: 'string', maxLength: 63 } },
        ],
        requestBody: { $ref: '#/components/requestBodies/Empty' },
        responses: {
          '202': {
            description: 'Restarting.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/RestartedWorkload' } } },
          },
          default: { $ref: '#/components/responses/Error' },
        },
      },
    },
    '/previews/{id}/tests/rerun': {
      post: {
        operationId: 'rerunPreviewTests',
        description: 'Runs the smoke tests of the rollout deployed again (update permission); 409 while a run has not ended or the preview is not ready.',
        parameters: [{ $ref: '#/components/parameters/id' }], requestBody: { $ref: '#/components/requestBodies/Empty' },
        responses: {
          '200': { $ref: '#/components/responses/Preview' }, default: { $ref: '#/components/responses/Error' },
        },
      },
    },
  },
} as const;
