import { ClusterConnection } from '../shared/loadKubeConfig';
import { ClusterWatch } from './ClusterWatch';

/** A cluster previews run in, with its watch while the engine is tracking. */
export interface TrackedCluster extends ClusterConnection {
  watch?: ClusterWatch;
}
