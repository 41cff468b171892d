import type { KubernetesObject, V1Namespace } from '@kubernetes/client-node';
import { Config } from '@backstage/config';
import { PreviewDeployment } from '@backstage-previews/plugin-previews-node';
import { previewAnnotations, previewLabels } from './renderMetadata';
import { INSTALLATION_LABEL } from '../shared/labels';
import {
  PodSecurityOptions,
  podSecurityOf,
  podSecurityFromConfig,
  podSecurityLabels,
} from './renderPodSecurity';
import { restrictPodTemplates } from './restrictPods';
import { forwardAuthAnnotations } from './renderAccessGate';
import {
  dependencyAccessLabels,
  renderDependentsPolicy,
} from './renderDependencyAccess';
import {
  DEFAULT_INGRESS_NAMESPACE_SELECTOR,
  exposedWorkload,
  renderIngress,
  renderNetworkPolicy,
} from './renderNetworking';
import {
  DEFAULT_CONTAINER_LIMIT,
  DEFAULT_QUOTA_HARD,
  renderLimitRange,
  renderResourceQuota,
} from './renderPolicies';
import { renderSecrets } from './renderSecrets';
import { DEFAULT_CONTAINER_REQUEST } from '../shared/resourceRequests';
import {
  SecretAccessOptions,
  renderSecretAccessBinding,
  secretAccessFromConfig,
} from './renderSecretAccess';
import {
  DEFAULT_EGRESS,
  EgressOptions,
  defaultEgress,
  renderEgressPolicy,
} from './renderEgress';
import { parseIpv4Cidr } from './ipv4Cidr';
import {
  CopiedSecrets,
  DEFAULT_PROGRESS_DEADLINE_SECONDS,
  renderDeployment,
  renderEnvConfigMap,
  renderService,
  renderServiceAccount,
} from './renderWorkloads';
import { DatabaseInputs } from './renderDatabases';
import { renderDatabaseObjects, withDatabases } from './renderSeedJobs';
import { readDurationSetting } from '../../config/durationSetting';
import { componentLabels } from '../shared/componentLabels';

/** Cluster-specific choices that are not part of a component's spec. */
export interface RenderOptions {
  /** `spec.ingressClassName` of the Ingress; the cluster default when unset. */
  ingressClassName?: string;
  /** Annotations added to the Ingress (e.g. for cert-manager or the ingress controller). */
  ingressAnnotations?: Record<string, string>;
  /** Secret (in the preview's namespace) with the TLS certificate of the host. */
  tlsSecretName?: string;
  /**
   * NetworkPolicy `preview-isolation`: pods accept traffic only from their
   * namespace and from namespaces matching the selector. Default: enabled,
   * selecting the `ingress-nginx` namespace.
   */
  networkPolicy?: false | { ingressNamespaceSelector: Record<string, string> };
  /**
   * NetworkPolicy `preview-egress`: where pods may connect. Default: enabled,
   * anywhere but link-local addresses and the apiserver ({@link DEFAULT_EGRESS}).
   */
  egress?: false | EgressOptions;
  /** ResourceQuota `preview-quota`. Default: enabled with {@link DEFAULT_QUOTA_HARD}. */
  resourceQuota?: false | { hard: Record<string, string> };
  /** LimitRange `preview-limits` giving containers default requests and limits. Default: enabled. */
  limitRange?:
    | false
    | {
        defaultRequest: Record<string, string>;
        default: Record<string, string>;
      };
  /** Of every Deployment. Default: 300. */
  progressDeadlineSeconds?: number;
  /** Labels the namespace as this installation's ({@link INSTALLATION_LABEL}); the orphan sweep reads it. */
  installationId?: string;
  /** Pod Security Admission labels of the namespace. Default: {@link DEFAULT_POD_SECURITY}. */
  podSecurity?: false | PodSecurityOptions;
  /** A RoleBinding giving the backend Secrets in the namespace (namespace-scoped Secret RBAC). Default: none. */
  secretAccess?: SecretAccessOptions;
}

/** A map of strings from config; keys may hold dots and slashes (label keys). */
function stringMap(
  config: Config | undefined,
  key: string,
  /** Path of `config` in app-config, for error messages. */
  at: string,
): Record<string, string> | undefined {
  const value = config?.getOptional(key);
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`Invalid config ${at}.${key}: expected a map of strings`);
  }
  const map: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string' && typeof v !== 'number') {
      throw new Error(
        `Invalid config ${at}.${key}.${k}: expected a string or number`,
      );
    }
    map[k] = String(v);
  }
  return map;
}

/**
 * Render options from the app-config block `previews.kubernetes` (pass that
 * block, not the root config); every default filled in.
 */
export function renderOptionsFromConfig(
  kubernetesConfig?: Config,
): RenderOptions {
  const k8s = kubernetesConfig;
  const ingress = k8s?.getOptionalConfig('ingress');
  const options: RenderOptions = {};

  const className =
    ingress?.getOptionalString('className') ??
    k8s?.getOptionalString('ingressClassName');
  if (className) options.ingressClassName = className;
  const ingressAnnotations = stringMap(
    ingress,
    'annotations',
    'previews.kubernetes.ingress',
  );
  if (ingressAnnotations && Object.keys(ingressAnnotations).length) {
    options.ingressAnnotations = ingressAnnotations;
  }
  const tlsSecretName = ingress?.getOptionalString('tlsSecretName');
  if (tlsSecretName) options.tlsSecretName = tlsSecretName;

  const podSecurity = podSecurityFromConfig(k8s);
  options.podSecurity = podSecurity;
  const secretAccess = secretAccessFromConfig(k8s);
  if (secretAccess) options.secretAccess = secretAccess;

  const networkPolicy = k8s?.getOptionalConfig('networkPolicy');
  if (networkPolicy?.getOptionalBoolean('enabled') === false) {
    options.networkPolicy = false;
  } else {
    const selector = stringMap(
      networkPolicy,
      'ingressNamespaceSelector',
      'previews.kubernetes.networkPolicy',
    );
    if (selector && !Object.keys(selector).length) {
      throw new Error(
        'Invalid config previews.kubernetes.networkPolicy.ingressNamespaceSelector: an empty selector would admit every namespace; set networkPolicy.enabled: false instead',
      );
    }
    options.networkPolicy = {
      ingressNamespaceSelector: selector ?? {
        ...DEFAULT_INGRESS_NAMESPACE_SELECTOR,
      },
    };
  }

  const egress = k8s?.getOptionalConfig('egress');
  if (egress?.getOptionalBoolean('enabled') === false) {
    options.egress = false;
  } else {
    const cidrs = (key: 'allowCidrs' | 'blockCidrs') => {
      const list = egress?.getOptionalStringArray(key) ?? [
        ...DEFAULT_EGRESS[key],
      ];
      for (const cidr of list) {
        // blocked ranges are carved out of allowed IPv4 ranges; IPv6 may only be allowed
        const ipv6 =
          key === 'allowCidrs' &&
          /^[0-9a-fA-F:]+\/\d{1,3}$/.test(cidr) &&
          cidr.includes(':');
        if (!ipv6 && !parseIpv4Cidr(cidr)) {
          throw new Error(
            `Invalid config previews.kubernetes.egress.${key}: ${JSON.stringify(
              cidr,
            )} is not a CIDR such as 10.0.0.0/8 (host bits zero${
              key === 'blockCidrs' ? ', IPv4' : ''
            })`,
          );
        }
      }
      return list;
    };
    options.egress = {
      allowCidrs: cidrs('allowCidrs'),
      blockCidrs: cidrs('blockCidrs'),
    };
  }

  const quota = k8s?.getOptionalConfig('resourceQuota');
  options.resourceQuota =
    quota?.getOptionalBoolean('enabled') === false
      ? false
      : {
          hard: stringMap(
            quota,
            'hard',
            'previews.kubernetes.resourceQuota',
          ) ?? { ...DEFAULT_QUOTA_HARD },
        };

  const limitRange = k8s?.getOptionalConfig('limitRange');
  options.limitRange =
    limitRange?.getOptionalBoolean('enabled') === false
      ? false
      : {
          defaultRequest: stringMap(
            limitRange,
            'defaultRequest',
            'previews.kubernetes.limitRange',
          ) ?? { ...DEFAULT_CONTAINER_REQUEST },
          default: stringMap(
            limitRange,
            'default',
            'previews.kubernetes.limitRange',
          ) ?? { ...DEFAULT_CONTAINER_LIMIT },
        };

  const deadline = readDurationSetting(k8s, 'progressDeadlineSeconds');
  if (deadline !== undefined && !(Number.isInteger(deadline) && deadline > 0)) {
    throw new Error(
      `Invalid config previews.kubernetes.progressDeadlineSeconds: ${deadline} is not a positive whole number`,
    );
  }
  options.progressDeadlineSeconds =
    deadline ?? DEFAULT_PROGRESS_DEADLINE_SECONDS;
  return options;
}

/**
 * Every object of a preview, in apply order: the Namespace, the backend's
 * Secret RoleBinding when configured, its policies
 * (ResourceQuota, LimitRange, NetworkPolicy), the ServiceAccount, copied
 * Secrets, then per kind the workloads' ConfigMaps, Deployments and Services,
 * and the Ingress. Pure: the same input always gives equal, fresh objects.
 *
 * `copiedSecrets` maps each name in `spec.secrets` to the type and base64
 * data the engine read from its `copyFrom` secret; a missing one throws.
 */
export function renderPreviewObjects(
  d: PreviewDeployment,
  options: RenderOptions = {},
  copiedSecrets: CopiedSecrets = {},
  /** Passwords, dump and shared server of the spec's `databases` (see renderDatabases). */
  databases?: DatabaseInputs,
): KubernetesObject[] {
  const podSecurity = podSecurityOf(options.podSecurity);
  const namespace: V1Namespace = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: d.name,
      labels: {
        ...previewLabels(d),
        ...componentLabels(d),
        ...dependencyAccessLabels(d),
        ...(options.installationId
          ? { [INSTALLATION_LABEL]: options.installationId }
          : {}),
        ...(podSecurity ? podSecurityLabels(podSecurity) : {}),
      },
      annotations: previewAnnotations(d),
    },
  };
  const objects: KubernetesObject[] = [namespace];
  if (options.secretAccess)
    objects.push(renderSecretAccessBinding(d, options.secretAccess));

  if (options.resourceQuota !== false) {
    objects.push(
      renderResourceQuota(
        d,
        options.resourceQuota?.hard ?? { ...DEFAULT_QUOTA_HARD },
      ),
    );
  }
  const limitRange =
    options.limitRange === false
      ? undefined
      : options.limitRange ?? {
          defaultRequest: { ...DEFAULT_CONTAINER_REQUEST },
          default: { ...DEFAULT_CONTAINER_LIMIT },
        };
  if (limitRange) objects.push(renderLimitRange(d, limitRange));
  if (options.networkPolicy !== false) {
    objects.push(
      renderNetworkPolicy(
        d,
        options.networkPolicy?.ingressNamespaceSelector ?? {
          ...DEFAULT_INGRESS_NAMESPACE_SELECTOR,
        },
      ),
    );
  }

  const exposedForDependents = exposedWorkload(d.spec);
  if (
    options.networkPolicy !== false &&
    exposedForDependents?.port !== undefined
  ) {
    objects.push(
      renderDependentsPolicy(d, {
        ...exposedForDependents,
        port: exposedForDependents.port,
      }),
    );
  }
  if (options.egress !== false) {
    objects.push(renderEgressPolicy(d, options.egress ?? defaultEgress()));
  }

  objects.push(renderServiceAccount(d));
  objects.push(...renderSecrets(d, copiedSecrets));
  objects.push(...renderDatabaseObjects(d, databases));

  const workloads = d.spec.workloads;
  objects.push(...workloads.map(w => renderEnvConfigMap(d, w)));
  objects.push(
    ...workloads.map(w =>
      withDatabases(
        d,
        renderDeployment(d, w, {
          progressDeadlineSeconds: options.progressDeadlineSeconds,
          defaultLimits: limitRange?.default,
          copiedSecrets,
        }),
      ),
    ),
  );
  objects.push(
    ...workloads
      .filter(w => w.port !== undefined)
      .map(w => renderService(d, w)),
  );

  const exposed = exposedWorkload(d.spec);
  if (d.host && exposed) {
    objects.push(
      renderIngress({ ...d, host: d.host }, exposed, {
        ingressClassName: options.ingressClassName,
        // The gate comes last: configured annotations cannot turn protection off.
        annotations: {
          ...options.ingressAnnotations,
          ...(d.access ? forwardAuthAnnotations(d.access) : {}),
        },
        tlsSecretName: options.tlsSecretName,
      }),
    );
  }
  // Pods a `restricted` namespace would admit (images running as root then fail visibly).
  return podSecurity?.enforce === 'restricted'
    ? restrictPodTemplates(objects)
    : objects;
}
