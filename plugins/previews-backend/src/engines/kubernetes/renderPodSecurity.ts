import { Config } from '@backstage/config';

/** The Pod Security Standards levels (Kubernetes' Pod Security Admission). */
export const POD_SECURITY_LEVELS = [
  'privileged',
  'baseline',
  'restricted',
] as const;
export type PodSecurityLevel = (typeof POD_SECURITY_LEVELS)[number];

/** What Pod Security Admission does with a preview namespace's pods, per mode. */
export interface PodSecurityOptions {
  /** Pods that break this level are refused. */
  enforce: PodSecurityLevel;
  /** Clients are warned about pods that break this level. */
  warn: PodSecurityLevel;
  /** The audit log records pods that break this level. */
  audit: PodSecurityLevel;
}

/**
 * Default: `restricted` in every mode, and the rendered pods carry what it
 * requires (see restrictPods.ts). An image that runs as root then fails with
 * `CreateContainerConfigError`, shown in the preview's status: its spec sets
 * the workload's `runAsUser`, or the platform team sets `enforce: baseline`.
 */
export const DEFAULT_POD_SECURITY: Readonly<PodSecurityOptions> = {
  enforce: 'restricted',
  warn: 'restricted',
  audit: 'restricted',
};

/** The levels a preview namespace gets from the render option: the default when unset, none when `false`. */
export function podSecurityOf(
  option: false | PodSecurityOptions | undefined,
): Readonly<PodSecurityOptions> | undefined {
  return option === false ? undefined : option ?? DEFAULT_POD_SECURITY;
}

/** The namespace labels Pod Security Admission reads. Pure. */
export function podSecurityLabels(
  options: PodSecurityOptions,
): Record<string, string> {
  return {
    'pod-security.kubernetes.io/enforce': options.enforce,
    'pod-security.kubernetes.io/warn': options.warn,
    'pod-security.kubernetes.io/audit': options.audit,
  };
}

/** `previews.kubernetes.podSecurity`; false when `enabled: false`. Throws on an unknown level. */
export function podSecurityFromConfig(
  kubernetes: Config | undefined,
): PodSecurityOptions | false {
  const config = kubernetes?.getOptionalConfig('podSecurity');
  if (config?.getOptionalBoolean('enabled') === false) return false;
  const level = (mode: keyof PodSecurityOptions): PodSecurityLevel => {
    const value = config?.getOptionalString(mode) ?? DEFAULT_POD_SECURITY[mode];
    if (!(POD_SECURITY_LEVELS as readonly string[]).includes(value)) {
      throw new Error(
        `Invalid config previews.kubernetes.podSecurity.${mode}: ${JSON.stringify(
          value,
        )} is not one of ${POD_SECURITY_LEVELS.join(', ')}`,
      );
    }
    return value as PodSecurityLevel;
  };
  return {
    enforce: level('enforce'),
    warn: level('warn'),
    audit: level('audit'),
  };
}
