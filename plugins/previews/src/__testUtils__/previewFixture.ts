import { Preview } from '@backstage-previews/plugin-previews-common';

/** The backend's rule with its default warning window (24 hours). */
export function expiringSoon(expiresAt: string | undefined): boolean {
  return (
    expiresAt !== undefined &&
    Date.parse(expiresAt) - Date.now() <= 24 * 3_600_000
  );
}

function toName(branch: string): string {
  return `preview-${branch.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`.slice(
    0,
    63,
  );
}

/** A ready Kubernetes preview of `component:default/shop` on the branch, with these changes. */
export function previewFixture(
  overrides: Partial<Preview> & { branch: string },
): Preview {
  const createdAt = overrides.createdAt ?? new Date().toISOString();
  const name = overrides.name ?? toName(overrides.branch);
  return {
    id: `id-${overrides.branch}`,
    entityRef: 'component:default/shop',
    engine: 'kubernetes',
    engineTitle: 'Kubernetes',
    name,
    namespace: name,
    status: 'ready',
    createdAt,
    updatedAt: createdAt,
    ...overrides,
    expiringSoon: overrides.expiringSoon ?? expiringSoon(overrides.expiresAt),
  };
}
