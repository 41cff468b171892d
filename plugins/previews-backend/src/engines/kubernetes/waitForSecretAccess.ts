import { ClusterConnection, K8s } from '../shared/loadKubeConfig';
import { retryTransient } from './retryTransient';

/** How long a new Secret RoleBinding may take to reach the apiserver's authorizer. */
const SECRET_ACCESS_WAIT_MS = 15_000;

/**
 * Waits until the apiserver's authorizer lets the backend write Secrets in
 * the namespace: a RoleBinding just applied takes a moment to count.
 */
export async function waitForSecretAccess(
  k8s: K8s,
  cluster: ClusterConnection,
  namespace: string,
  /** The ClusterRole bound (`previews.kubernetes.secretAccess`), for the error. */
  clusterRole: string | undefined,
): Promise<void> {
  const authorization = cluster.kc.makeApiClient(k8s.AuthorizationV1Api);
  const deadline = Date.now() + SECRET_ACCESS_WAIT_MS;
  for (;;) {
    const review = await retryTransient(() =>
      authorization.createSelfSubjectAccessReview({
        body: {
          spec: {
            resourceAttributes: {
              namespace,
              verb: 'patch',
              resource: 'secrets',
            },
          },
        },
      }),
    );
    if (review.status?.allowed) return;
    if (Date.now() > deadline) {
      throw new Error(
        `The backend may still not write Secrets in namespace ${namespace} after binding ClusterRole ${clusterRole} there (${
          review.status?.reason || 'no reason given'
        }); check previews.kubernetes.secretAccess against deploy/rbac`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}
