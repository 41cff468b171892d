// Generated from plugins/previews-backend/src/schema/openapi.yaml by `yarn openapi:generate`: do not edit.

/** The schemas of the previews REST API (`components.schemas` of `openapi.yaml`). */
export const schemas = {
  ErrorResponse: {
    type: 'object', required: ['error', 'response'],
    properties: {
      error: {
        type: 'object', required: ['name', 'message'],
        properties: { name: { type: 'string' }, message: { type: 'string' } },
      },
      request: {
        type: 'object', required: ['method', 'url'],
        properties: { method: { type: 'string' }, url: { type: 'string' } },
      },
      response: { type: 'object', required: ['statusCode'], properties: { statusCode: { type: 'integer' } } },
    },
  },
  EmptyRequest: { type: 'object', additionalProperties: false, properties: {} },
  CreatePreviewRequest: {
    description: 'A branch (and its head commit), or a pull request (its head branch and commit).', type: 'object',
    additionalProperties: false, required: ['entityRef'],
    properties: {
      entityRef: { type: 'string', minLength: 1, description: 'The component, e.g. component:default/shop.' },
      branch: { type: 'string', maxLength: 255, description: 'A git branch name (checked against git\'s rules).' },
      sha: { $ref: '#/components/schemas/CommitSha' },
      pullRequest: {
        type: 'integer', minimum: 1, maximum: 1000000000,
        description: 'An open pull request of the component\'s repository.',
      },
    },
  },
  RedeployPreviewRequest: {
    type: 'object', additionalProperties: false, properties: { sha: { $ref: '#/components/schemas/CommitSha' } },
  },
  ExtendPreviewRequest: {
    type: 'object', additionalProperties: false, required: ['hours'],
    properties: {
      hours: {
        type: 'integer', minimum: 1,
        description: 'Hours added to the expiry (at most the maximum lifetime, a setting).',
      },
    },
  },
  KeepPreviewRequest: {
    type: 'object', additionalProperties: false, required: ['keep'], properties: { keep: { type: 'boolean' } },
  },
  BulkDestroyRequest: {
    type: 'object', additionalProperties: false, required: ['ids'],
    properties: {
      ids: { type: 'array', minItems: 1, maxItems: 100, items: { $ref: '#/components/schemas/PreviewId' } },
    },
  },
  RerouteDependencyRequest: {
    type: 'object', additionalProperties: false, required: ['target'],
    properties: {
      target: { type: 'string', enum: ['staging', 'preview'] },
      previewId: { type: 'string', minLength: 1, maxLength: 64, description: 'Required when target is preview.' },
    },
  },
  CommitSha: { type: 'string', pattern: '^[0-9a-f]{7,64}$', description: 'A commit id (SHA-1 or SHA-256).' },
  PreviewId: { type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' },
  PreviewStatus: {
    type: 'string',
    enum: ['waiting-for-build', 'provisioning', 'ready', 'degraded', 'sleeping', 'failed', 'destroying', 'destroyed'],
  },
  PreviewPullRequest: {
    type: 'object', additionalProperties: false, required: ['number'],
    properties: { number: { type: 'integer' }, title: { type: 'string' }, url: { type: 'string' } },
  },
  PreviewWarning: {
    type: 'object', additionalProperties: false, required: ['reason', 'message', 'object'],
    properties: {
      reason: { type: 'string' }, message: { type: 'string' }, object: { type: 'string' }, at: { type: 'string' },
      count: { type: 'integer' },
    },
  },
  PreviewDetails: {
    type: 'object', additionalProperties: false, required: ['podsReady', 'podsTotal', 'restarts', 'warnings'],
    properties: {
      podsReady: { type: 'integer' }, podsTotal: { type: 'integer' }, restarts: { type: 'integer' },
      warnings: { type: 'array', items: { $ref: '#/components/schemas/PreviewWarning' } },
      blockers: { type: 'array', items: { type: 'string' } },
    },
  },
  PreviewDependency: {
    type: 'object', additionalProperties: false, required: ['entityRef', 'env', 'target'],
    properties: {
      entityRef: { type: 'string' }, env: { type: 'string' },
      target: { type: 'string', enum: ['staging', 'preview', 'unresolved'] }, url: { type: 'string' },
      previewId: { type: 'string' }, previewName: { type: 'string' }, branch: { type: 'string' },
      message: { type: 'string' },
    },
  },
  PreviewSeedStatus: {
    type: 'object', additionalProperties: false, required: ['phase'],
    properties: {
      phase: { type: 'string', enum: ['none', 'pending', 'seeding', 'migrating', 'ready', 'failed'] },
      generation: { type: 'integer' }, failedStep: { type: 'string', enum: ['seeding', 'migrating'] },
      version: { type: 'string' }, message: { type: 'string' }, seedSeconds: { type: 'number' },
      migrateSeconds: { type: 'number' }, logTail: { type: 'array', items: { type: 'string' } },
    },
  },
  PreviewCost: {
    type: 'object', additionalProperties: false, required: ['perHour', 'currency'],
    properties: { perHour: { type: 'number' }, remaining: { type: 'number' }, currency: { type: 'string' } },
  },
  PreviewLink: {
    type: 'object', additionalProperties: false, required: ['title', 'url'],
    properties: { title: { type: 'string' }, url: { type: 'string' } },
  },
  Preview: {
    type: 'object', additionalProperties: false,
    required: ['id', 'entityRef', 'branch', 'engine', 'name', 'namespace', 'status', 'createdAt', 'updatedAt'],
    properties: {
      id: { type: 'string' }, entityRef: { type: 'string', description: 'The component, e.g. component:default/shop.' },
      branch: { type: 'string' }, engine: { type: 'string', description: 'The engine that runs it, e.g. kubernetes.' },
      name: { type: 'string' }, namespace: { type: 'string' }, status: { $ref: '#/components/schemas/PreviewStatus' },
      statusMessage: { type: 'string' }, url: { type: 'string' }, sha: { type: 'string' }, cluster: { type: 'string' },
      specSource: { type: 'string' }, details: { $ref: '#/components/schemas/PreviewDetails' },
      createdBy: { type: 'string' }, pullRequest: { $ref: '#/components/schemas/PreviewPullRequest' },
      repo: { type: 'string' }, trigger: { type: 'string', enum: ['portal', 'label'] }, createdAt: { type: 'string' },
      updatedAt: { type: 'string' }, readyAt: { type: 'string' }, destroyedAt: { type: 'string' },
      expiresAt: { type: 'string' }, maxExpiresAt: { type: 'string' }, lastActivityAt: { type: 'string' },
      links: { type: 'array', items: { $ref: '#/components/schemas/PreviewLink' } }, engineTitle: { type: 'string' },
      expiringSoon: { type: 'boolean' },
      dependencies: { type: 'array', items: { $ref: '#/components/schemas/PreviewDependency' } },
      group: { type: 'string' }, seed: { $ref: '#/components/schemas/PreviewSeedStatus' },
      tests: { $ref: '#/components/schemas/PreviewTestRun' },
      timeline: { $ref: '#/components/schemas/PreviewTimeline' }, keep: { type: 'boolean' },
      cost: { $ref: '#/components/schemas/PreviewCost' },
    },
  },
  PreviewList: {
    type: 'object', additionalProperties: false, required: ['items'],
    properties: { items: { type: 'array', items: { $ref: '#/components/schemas/Preview' } } },
  },
  PreviewGroup: {
    type: 'object', additionalProperties: false, required: ['branch', 'items'],
    properties: {
      branch: { type: 'string' }, items: { type: 'array', items: { $ref: '#/components/schemas/Preview' } },
    },
  },
  BranchPickerItem: {
    type: 'object', additionalProperties: false, required: ['kind', 'branch'],
    properties: {
      kind: { type: 'string', enum: ['branch', 'pullRequest'] }, branch: { type: 'string' }, sha: { type: 'string' },
      number: { type: 'integer' }, title: { type: 'string' }, draft: { type: 'boolean' }, url: { type: 'string' },
      author: {
        type: 'object', additionalProperties: false, required: ['login'],
        properties: { login: { type: 'string' }, avatarUrl: { type: 'string' } },
      },
      labels: { type: 'array', items: { type: 'string' } },
    },
  },
  ListBranchesResponse: {
    type: 'object', additionalProperties: false, required: ['items', 'hasMore', 'page'],
    properties: {
      items: { type: 'array', items: { $ref: '#/components/schemas/BranchPickerItem' } }, hasMore: { type: 'boolean' },
      page: { type: 'integer' },
    },
  },
  PreviewDependencyTargetOption: {
    type: 'object', additionalProperties: false, required: ['target'],
    properties: {
      target: { type: 'string', enum: ['staging', 'preview'] }, url: { type: 'string' }, previewId: { type: 'string' },
      name: { type: 'string' }, branch: { type: 'string' },
      pullRequest: { $ref: '#/components/schemas/PreviewPullRequest' },
      status: { $ref: '#/components/schemas/PreviewStatus' },
    },
  },
  ListDependencyTargetsResponse: {
    type: 'object', additionalProperties: false, required: ['items'],
    properties: { items: { type: 'array', items: { $ref: '#/components/schemas/PreviewDependencyTargetOption' } } },
  },
  PreviewsSummaryGroup: {
    type: 'object', additionalProperties: false, required: ['ref', 'live', 'costPerHour', 'expiringSoon'],
    properties: {
      ref: { type: 'string' }, live: { type: 'integer' }, costPerHour: { type: 'number' }, oldest: { type: 'string' },
      expiringSoon: { type: 'integer' }, phases: { $ref: '#/components/schemas/PreviewsSummaryPhases' },
    },
  },
  PreviewsSummary: {
    type: 'object', additionalProperties: false, required: ['total', 'byComponent', 'byOwner', 'currency'],
    properties: {
      total: { $ref: '#/components/schemas/PreviewsSummaryGroup' },
      byComponent: { type: 'array', items: { $ref: '#/components/schemas/PreviewsSummaryGroup' } },
      byOwner: { type: 'array', items: { $ref: '#/components/schemas/PreviewsSummaryGroup' } },
      currency: { type: 'string' },
    },
  },
  PreviewEvent: {
    type: 'object', additionalProperties: false, required: ['at', 'type', 'message'],
    properties: {
      at: { type: 'string' }, type: { type: 'string' }, actor: { type: 'string' }, message: { type: 'string' },
    },
  },
  ListPreviewEventsResponse: {
    type: 'object', additionalProperties: false, required: ['items'],
    properties: {
      items: { type: 'array', items: { $ref: '#/components/schemas/PreviewEvent' } }, nextCursor: { type: 'string' },
    },
  },
  ManagedObjectSet: {
    type: 'object', additionalProperties: false, required: ['name'],
    properties: {
      name: { type: 'string' }, previewId: { type: 'string' }, installation: { type: 'string' },
      cluster: { type: 'string' }, createdAt: { type: 'string' },
    },
  },
  OrphanSweepReport: {
    type: 'object', additionalProperties: false, required: ['dryRun', 'installationId', 'orphans', 'deleted', 'errors'],
    properties: {
      dryRun: { type: 'boolean' }, installationId: { type: 'string' },
      orphans: { type: 'array', items: { $ref: '#/components/schemas/ManagedObjectSet' } },
      deleted: { type: 'array', items: { type: 'string' } }, errors: { type: 'array', items: { type: 'string' } },
      refused: { type: 'string' },
    },
  },
  Health: {
    type: 'object', additionalProperties: false, required: ['status'],
    properties: { status: { type: 'string', enum: ['ok'] } },
  },
  OpenPreviewResponse: {
    type: 'object', additionalProperties: false, required: ['url'],
    properties: { url: { type: 'string' }, expiresAt: { type: 'string', format: 'date-time' } },
  },
  CreateShareLinkRequest: {
    type: 'object', additionalProperties: false,
    properties: {
      hours: {
        type: 'number', minimum: 0.01, maximum: 8760,
        description: 'How long it works; never past the preview\'s expiry.',
      },
      note: { type: 'string', maxLength: 200, description: 'Who it is for.' },
    },
  },
  PreviewShareLink: {
    type: 'object', additionalProperties: false, required: ['id', 'previewId', 'createdBy', 'createdAt', 'expiresAt'],
    properties: {
      id: { type: 'string' }, previewId: { type: 'string' }, createdBy: { type: 'string' },
      createdAt: { type: 'string', format: 'date-time' }, expiresAt: { type: 'string', format: 'date-time' },
      note: { type: 'string' }, revokedAt: { type: 'string', format: 'date-time' }, revokedBy: { type: 'string' },
    },
  },
  CreatedPreviewShareLink: {
    description: 'A PreviewShareLink and its URL.', type: 'object', additionalProperties: false,
    required: ['id', 'previewId', 'createdBy', 'createdAt', 'expiresAt', 'url'],
    properties: {
      id: { type: 'string' }, previewId: { type: 'string' }, createdBy: { type: 'string' },
      createdAt: { type: 'string', format: 'date-time' }, expiresAt: { type: 'string', format: 'date-time' },
      note: { type: 'string' }, url: { type: 'string', description: 'The link, with its token: shown this once.' },
    },
  },
  ListPreviewShareLinksResponse: {
    type: 'object', additionalProperties: false, required: ['items'],
    properties: { items: { type: 'array', items: { $ref: '#/components/schemas/PreviewShareLink' } } },
  },
  PreviewBypassToken: {
    type: 'object', additionalProperties: false, required: ['header', 'token', 'rotatedAt'],
    properties: {
      header: { type: 'string' }, token: { type: 'string' }, rotatedAt: { type: 'string', format: 'date-time' },
    },
  },
  PreviewContainer: {
    type: 'object', additionalProperties: false,
    required: ['name', 'init', 'state', 'restarts', 'ready', 'hasPrevious'],
    properties: {
      name: { type: 'string' }, init: { type: 'boolean' },
      state: { type: 'string', enum: ['running', 'waiting', 'terminated', 'unknown'] }, reason: { type: 'string' },
      exitCode: { type: 'integer' }, restarts: { type: 'integer' }, ready: { type: 'boolean' },
      hasPrevious: { type: 'boolean' },
    },
  },
  PreviewPod: {
    type: 'object', additionalProperties: false, required: ['name', 'role', 'phase', 'containers'],
    properties: {
      name: { type: 'string' }, role: { type: 'string', enum: ['workload', 'seed', 'test', 'database', 'other'] },
      of: { type: 'string' }, phase: { type: 'string' }, createdAt: { type: 'string', format: 'date-time' },
      containers: { type: 'array', items: { $ref: '#/components/schemas/PreviewContainer' } },
    },
  },
  ListPreviewPodsResponse: {
    type: 'object', additionalProperties: false, required: ['items'],
    properties: { items: { type: 'array', items: { $ref: '#/components/schemas/PreviewPod' } } },
  },
  PreviewClusterEvent: {
    type: 'object', additionalProperties: false, required: ['at', 'type', 'reason', 'object', 'message', 'count'],
    properties: {
      at: { type: 'string', format: 'date-time' }, type: { type: 'string' }, reason: { type: 'string' },
      object: { type: 'string' }, message: { type: 'string' }, count: { type: 'integer' },
    },
  },
  ListPreviewClusterEventsResponse: {
    type: 'object', additionalProperties: false, required: ['items'],
    properties: { items: { type: 'array', items: { $ref: '#/components/schemas/PreviewClusterEvent' } } },
  },
  RestartedWorkload: {
    type: 'object', additionalProperties: false, required: ['workload', 'restartedAt'],
    properties: { workload: { type: 'string' }, restartedAt: { type: 'string', format: 'date-time' } },
  },
  PreviewTestStatus: { type: 'string', enum: ['pending', 'running', 'passed', 'failed'] },
  PreviewTestResult: {
    type: 'object', additionalProperties: false, required: ['name', 'status'],
    properties: {
      name: { type: 'string' }, status: { $ref: '#/components/schemas/PreviewTestStatus' }, message: { type: 'string' },
      pod: { type: 'string' }, container: { type: 'string' }, seconds: { type: 'number' },
    },
  },
  PreviewTestRun: {
    type: 'object', additionalProperties: false, required: ['run', 'status', 'trigger', 'results'],
    properties: {
      run: { type: 'integer' }, status: { $ref: '#/components/schemas/PreviewTestStatus' },
      trigger: { type: 'string', enum: ['create', 'redeploy', 'reseed', 'rerun'] }, sha: { type: 'string' },
      startedAt: { type: 'string' }, finishedAt: { type: 'string' },
      results: { type: 'array', items: { $ref: '#/components/schemas/PreviewTestResult' } },
    },
  },
  PreviewTimelinePhases: {
    type: 'object', additionalProperties: false,
    description: 'Seconds per phase; a phase the rollout did not go through (or has not finished) is absent.',
    properties: {
      queued: { type: 'number' }, scheduled: { type: 'number' }, imagePulled: { type: 'number' },
      seed: { type: 'number' }, migrate: { type: 'number' }, ready: { type: 'number' }, tests: { type: 'number' },
    },
  },
  PreviewTimeline: {
    type: 'object', additionalProperties: false, required: ['trigger', 'startedAt', 'phases'],
    properties: {
      trigger: { type: 'string', enum: ['create', 'redeploy', 'reseed', 'wake'] }, startedAt: { type: 'string' },
      phases: { $ref: '#/components/schemas/PreviewTimelinePhases' }, readySeconds: { type: 'number' },
    },
  },
  PreviewPhaseStats: {
    type: 'object', additionalProperties: false, required: ['p50', 'p95', 'count'],
    properties: { p50: { type: 'number' }, p95: { type: 'number' }, count: { type: 'integer' } },
  },
  PreviewsSummaryPhases: {
    type: 'object', additionalProperties: false,
    properties: {
      queued: { $ref: '#/components/schemas/PreviewPhaseStats' },
      scheduled: { $ref: '#/components/schemas/PreviewPhaseStats' },
      imagePulled: { $ref: '#/components/schemas/PreviewPhaseStats' },
      seed: { $ref: '#/components/schemas/PreviewPhaseStats' },
      migrate: { $ref: '#/components/schemas/PreviewPhaseStats' },
      ready: { $ref: '#/components/schemas/PreviewPhaseStats' },
      tests: { $ref: '#/components/schemas/PreviewPhaseStats' },
    },
  },
} as const;
