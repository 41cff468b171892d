/**
 * The line a preview's history shows for one mutating request, in words a
 * reader of the Previews tab understands: what was asked, with its few
 * meaningful inputs, and, when refused, why. Pure.
 */
export function describeRequest(request: {
  /** The audit event id, e.g. `preview-extend`. */
  type: string;
  path: string;
  body: unknown;
  status: number;
  /** The error message of a refused request, when it has one. */
  error?: string;
}): string {
  const body = (
    typeof request.body === 'object' && request.body !== null
      ? request.body
      : {}
  ) as Record<string, unknown>;
  const what = actionOf(request.type, request.path, body);
  if (request.status < 400) return what;
  return `${what}: refused (${request.status})${
    request.error ? `, ${request.error}` : ''
  }`;
}

const short = (id: unknown) => (typeof id === 'string' ? id.slice(0, 8) : '?');

function actionOf(
  type: string,
  path: string,
  body: Record<string, unknown>,
): string {
  switch (type) {
    case 'preview-create':
      return `create requested for branch ${String(
        body.branch ??
          (body.pullRequest ? `of pull request #${body.pullRequest}` : '?'),
      )}`;
    case 'preview-redeploy':
      return typeof body.sha === 'string'
        ? `redeploy requested at ${body.sha.slice(0, 7)}`
        : 'redeploy requested';
    case 'preview-reseed':
      return 'reseed requested';
    case 'preview-extend':
      return `extend by ${String(body.hours)} h requested`;
    case 'preview-keep':
      return body.keep === false ? 'stop keeping requested' : 'keep requested';
    case 'preview-sleep':
      return 'sleep requested';
    case 'preview-wake':
      return 'wake requested';
    case 'preview-destroy':
      return 'destroy requested';
    case 'preview-bulk-destroy':
      return 'destroy requested (bulk, by an admin)';
    case 'preview-group-destroy':
      return 'destroy requested (its whole group)';
    case 'preview-workload-restart':
      return `restart of workload ${decodeURIComponent(
        path.split('/')[4] ?? '?',
      )} requested`;
    case 'preview-reroute': {
      const dependency = decodeURIComponent(path.split('/')[4] ?? '?');
      const to =
        body.target === 'preview'
          ? `preview ${short(body.previewId)}`
          : String(body.target ?? '?');
      return `reroute of ${dependency} to ${to} requested`;
    }
    default:
      return `${type} requested`;
  }
}
