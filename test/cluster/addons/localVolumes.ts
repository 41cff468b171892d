import type {
  V1PersistentVolume,
  V1PersistentVolumeClaim,
} from '@kubernetes/client-node';

export const LOCAL_VOLUME_LABEL = 'previews-test.io/local-volume';

/**
 * The local volume for a pending claim: a hostPath directory of the node,
 * pre-bound to the claim (so the PV controller binds exactly this pair), with
 * the claim's size, access modes and class. Retain: the provisioner removes the
 * directory and the volume once the claim is gone.
 */
export function volumeForClaim(
  claim: V1PersistentVolumeClaim,
  volumesDir: string,
): V1PersistentVolume | undefined {
  const uid = claim.metadata?.uid;
  if (!uid || claim.spec?.volumeName || claim.status?.phase !== 'Pending')
    return undefined;
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: {
      name: `local-${uid}`,
      labels: { [LOCAL_VOLUME_LABEL]: 'true' },
    },
    spec: {
      capacity: { storage: claim.spec?.resources?.requests?.storage ?? '1Gi' },
      accessModes: claim.spec?.accessModes?.length
        ? claim.spec.accessModes
        : ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Retain',
      storageClassName: claim.spec?.storageClassName ?? '',
      ...(claim.spec?.volumeMode ? { volumeMode: claim.spec.volumeMode } : {}),
      hostPath: { path: `${volumesDir}/${uid}`, type: 'DirectoryOrCreate' },
      claimRef: {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        namespace: claim.metadata?.namespace,
        name: claim.metadata?.name,
        uid,
      },
    },
  };
}

/** A local volume whose claim is gone (Released): to delete with its directory. */
export function isReleased(pv: V1PersistentVolume): boolean {
  return (
    pv.metadata?.labels?.[LOCAL_VOLUME_LABEL] === 'true' &&
    pv.status?.phase === 'Released'
  );
}
