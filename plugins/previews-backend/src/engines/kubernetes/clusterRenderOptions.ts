import { ClusterConnection } from '../shared/loadKubeConfig';
import { RenderOptions } from './render';
import { apiserverCidr, defaultEgress } from './renderEgress';

/** The render options, with this cluster's apiserver address among the egress policy's blocked ranges. */
export function clusterRenderOptions(
  cluster: ClusterConnection,
  render: RenderOptions | undefined,
): RenderOptions {
  const options = render ?? {};
  if (options.egress === false) return options;
  const egress = options.egress ?? defaultEgress();
  const apiserver = apiserverCidr(cluster.kc.getCurrentCluster()?.server);
  if (!apiserver || egress.blockCidrs.includes(apiserver))
    return { ...options, egress };
  return {
    ...options,
    egress: { ...egress, blockCidrs: [...egress.blockCidrs, apiserver] },
  };
}
