import type { RbacV1Subject, V1RoleBinding } from '@kubernetes/client-node';
import { Config } from '@backstage/config';
import { PreviewTarget } from '@backstage-previews/plugin-previews-node';
import { previewAnnotations, previewLabels } from './renderMetadata';

/**
 * Namespace-scoped Secret access (`previews.kubernetes.secretAccess`): the
 * backend's identity holds no cluster-wide right to Secrets. Each preview
 * namespace gets a RoleBinding of `clusterRole` (Secrets only) to
 * `subject`, the backend itself, applied right after the namespace.
 */
export interface SecretAccessOptions {
  /** The ClusterRole granting Secrets in one namespace (deploy/rbac: `backstage-previews-namespace-secrets`). */
  clusterRole: string;
  /** The backend's own identity, as the cluster knows it. */
  subject: RbacV1Subject;
}

export const SECRET_ACCESS_BINDING = 'backstage-previews-secrets';

const SUBJECT_KINDS = ['ServiceAccount', 'User', 'Group'] as const;

/** The RoleBinding giving the backend Secrets in the preview's namespace. Pure. */
export function renderSecretAccessBinding(
  t: PreviewTarget,
  access: SecretAccessOptions,
): V1RoleBinding {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: {
      name: SECRET_ACCESS_BINDING,
      namespace: t.name,
      labels: previewLabels(t),
      annotations: previewAnnotations(t),
    },
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: access.clusterRole,
    },
    subjects: [{ ...access.subject }],
  };
}

/** `previews.kubernetes.secretAccess`, checked; undefined when unset (cluster-wide Secret access). */
export function secretAccessFromConfig(
  kubernetes: Config | undefined,
): SecretAccessOptions | undefined {
  const config = kubernetes?.getOptionalConfig('secretAccess');
  if (!config) return undefined;
  const at = 'previews.kubernetes.secretAccess';
  const clusterRole = config.getString('clusterRole');
  const subject = config.getConfig('subject');
  const kind = subject.getString('kind');
  if (!(SUBJECT_KINDS as readonly string[]).includes(kind)) {
    throw new Error(
      `Invalid config ${at}.subject.kind: ${JSON.stringify(
        kind,
      )} is not one of ${SUBJECT_KINDS.join(', ')}`,
    );
  }
  const name = subject.getString('name');
  const namespace = subject.getOptionalString('namespace');
  if (kind === 'ServiceAccount') {
    if (!namespace)
      throw new Error(
        `Invalid config ${at}.subject.namespace: a ServiceAccount subject needs its namespace`,
      );
    return { clusterRole, subject: { kind, name, namespace } };
  }
  if (namespace)
    throw new Error(
      `Invalid config ${at}.subject.namespace: only a ServiceAccount subject has a namespace`,
    );
  // Kubernetes' own groups (system:authenticated, system:serviceaccounts[:ns], …) hold more than the
  // backend: bound in every preview namespace, they would hand its Secrets to those pods or users.
  if (kind === 'Group' && name.startsWith('system:')) {
    throw new Error(
      `Invalid config ${at}.subject.name: ${JSON.stringify(
        name,
      )} is a Kubernetes system group, not the backend's own identity`,
    );
  }
  return {
    clusterRole,
    subject: { kind, name, apiGroup: 'rbac.authorization.k8s.io' },
  };
}
