import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { PreviewAccessGate } from '@backstage-previews/plugin-previews-node';
import { readDurationSetting } from '../config/durationSetting';

/** `previews.access`, every default filled in. */
export interface AccessSettings {
  /** `portal`: a preview's URL opens only with a token or cookie the backend issued; `public`: to anyone. */
  mode: 'portal' | 'public';
  /** The backend's previews API as the ingress controller reaches it (forward auth). */
  checkBaseUrl: string;
  /** The backend's previews API as browsers reach it (the sign-in and wake page). */
  signinBaseUrl: string;
  /** The portal, where a request without access is sent to sign in. */
  portalBaseUrl: string;
  openTokenSeconds: number;
  sessionHours: number;
  shareLinkDefaultHours: number;
  shareLinkMaxHours: number;
}

/**
 * Reads `previews.access`; the backend's own URLs (from discovery) are the
 * defaults of the check and sign-in URLs. A bad value throws at startup.
 */
export function accessSettingsFromConfig(
  config: Config | undefined,
  defaults: {
    internalBaseUrl: string;
    externalBaseUrl: string;
    appBaseUrl: string;
  },
): AccessSettings {
  const access = config?.getOptionalConfig('access');
  const mode = access?.getOptionalString('mode') ?? 'portal';
  if (mode !== 'portal' && mode !== 'public') {
    throw new InputError(
      `previews.access.mode must be portal or public, not ${JSON.stringify(
        mode,
      )}`,
    );
  }
  const positive = (key: string, fallback: number, max: number) => {
    const value = readDurationSetting(access, key) ?? fallback;
    if (!Number.isFinite(value) || value <= 0 || value > max) {
      throw new InputError(
        `previews.access.${key} must be a number above 0 and at most ${max}`,
      );
    }
    return value;
  };
  const trim = (url: string) => url.replace(/\/+$/, '');
  const shareLinkMaxHours = positive('shareLinkMaxHours', 24 * 7, 24 * 365);
  return {
    mode,
    checkBaseUrl: trim(
      access?.getOptionalString('checkBaseUrl') ?? defaults.internalBaseUrl,
    ),
    signinBaseUrl: trim(
      access?.getOptionalString('signinBaseUrl') ?? defaults.externalBaseUrl,
    ),
    portalBaseUrl: trim(defaults.appBaseUrl),
    openTokenSeconds: positive('openTokenSeconds', 300, 3600),
    sessionHours: positive('sessionHours', 8, 24 * 30),
    shareLinkDefaultHours: Math.min(
      positive('shareLinkDefaultHours', 24, 24 * 365),
      shareLinkMaxHours,
    ),
    shareLinkMaxHours,
  };
}

/** Where a preview's ingress checks each request; none when URLs are public. Pure. */
export function accessGateOf(
  settings: AccessSettings,
  previewId: string,
): PreviewAccessGate | undefined {
  if (settings.mode === 'public') return undefined;
  const id = encodeURIComponent(previewId);
  return {
    checkUrl: `${settings.checkBaseUrl}/access/check/${id}`,
    signinUrl: `${settings.signinBaseUrl}/access/signin/${id}`,
  };
}
