import { randomBytes, randomUUID } from 'node:crypto';
import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  CreatedPreviewShareLink,
  LIVE_PREVIEW_STATUSES,
  OpenPreviewResponse,
  Preview,
  PreviewBypassToken,
  PreviewShareLink,
} from '@backstage-previews/plugin-previews-common';
import type { AccessStore } from '../database/AccessStore';
import {
  AccessClaims,
  bypassTokenMatches,
  hashBypassToken,
  signAccessToken,
  verifyAccessToken,
} from './accessTokens';
import {
  ACCESS_COOKIE,
  BYPASS_HEADER,
  cookieValue,
  returnUrl,
  sessionCookie,
  tokenInUrl,
  withToken,
} from './accessRequest';
import { AccessSettings } from './accessSettings';
import { progressPage } from './progressPage';

/** What a request to a preview's URL carries, as the ingress controller forwards it. */
export interface AccessRequest {
  /** X-Original-URL: the URL the browser asked for. */
  originalUrl?: string;
  cookie?: string;
  bypassToken?: string;
}

/** The check's answer: let it through (with a cookie to set), or not (and why, for the sign-in page). */
export type AccessDecision =
  | {
      allow: true;
      via: 'session' | 'open' | 'share' | 'bypass';
      setCookie?: string;
    }
  | { allow: false; reason: 'no credential' | 'waking' | 'gone' };

export interface PreviewAccessOptions {
  settings: AccessSettings;
  store: AccessStore;
  previews: { get(id: string): Promise<Preview> };
  /** Wakes a sleeping preview (its dependencies first); `by` says whose request did it. */
  wake(previewId: string, by: string): Promise<void>;
  recordEvent(
    previewId: string,
    event: { type: string; actor: string; message: string },
  ): Promise<void>;
  logger: LoggerService;
  now?: () => Date;
}

const isWaking = (p: Preview) =>
  p.status === 'provisioning' && p.statusMessage === 'waking up';

/**
 * Protected preview URLs: the tokens Open and share links carry, the
 * bypass token, and the forward-auth check the preview's ingress asks
 * before each request. Tokens are signed and bound to one preview; share
 * links and bypass tokens are looked up on every request, so revoking or
 * rotating works at once. No token or cookie value is logged.
 */
export class PreviewAccess {
  private readonly waking = new Set<string>();

  constructor(private readonly options: PreviewAccessOptions) {}

  private get settings() {
    return this.options.settings;
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  private async sign(claims: AccessClaims): Promise<string> {
    return signAccessToken(await this.options.store.signingKey(), claims);
  }

  /** A URL of the preview that opens it for the next few minutes (the caller has `read`). */
  async open(preview: Preview): Promise<OpenPreviewResponse> {
    const url = urlOf(preview);
    if (this.settings.mode === 'public') return { url };
    const exp =
      Math.floor(this.now().getTime() / 1000) + this.settings.openTokenSeconds;
    return {
      url: withToken(url, await this.sign({ p: preview.id, k: 'open', exp })),
      expiresAt: new Date(exp * 1000).toISOString(),
    };
  }

  /**
   * A link for someone without a portal account, until `hours` from now
   * (the default when absent), never after the preview's own expiry.
   */
  async createShareLink(
    preview: Preview,
    request: { hours?: number; note?: string },
    createdBy: string,
  ): Promise<CreatedPreviewShareLink> {
    if (this.settings.mode === 'public')
      throw new InputError(
        'Preview URLs are public (previews.access.mode): there is nothing to share',
      );
    const url = urlOf(preview);
    const hours = request.hours ?? this.settings.shareLinkDefaultHours;
    if (!(hours > 0) || hours > this.settings.shareLinkMaxHours) {
      throw new InputError(
        `A share link lasts more than 0 and at most ${this.settings.shareLinkMaxHours} hours`,
      );
    }
    const now = this.now();
    let expires = now.getTime() + hours * 3_600_000;
    const previewExpiry = preview.expiresAt
      ? Date.parse(preview.expiresAt)
      : NaN;
    if (Number.isFinite(previewExpiry))
      expires = Math.min(expires, previewExpiry);
    if (expires <= now.getTime())
      throw new ConflictError(`Preview ${preview.name} has expired`);
    const link: PreviewShareLink = {
      id: randomUUID(),
      previewId: preview.id,
      createdBy,
      createdAt: now.toISOString(),
      expiresAt: new Date(Math.floor(expires / 1000) * 1000).toISOString(),
      ...(request.note?.trim()
        ? { note: request.note.trim().slice(0, 200) }
        : {}),
    };
    await this.options.store.insertShareLink(link);
    const token = await this.sign({
      p: preview.id,
      k: 'share',
      l: link.id,
      exp: Math.floor(expires / 1000),
    });
    await this.options.recordEvent(preview.id, {
      type: 'share-link-created',
      actor: createdBy,
      message: `share link ${link.id.slice(0, 8)} created, until ${
        link.expiresAt
      }${link.note ? ` (${link.note})` : ''}`,
    });
    return { ...link, url: withToken(url, token) };
  }

  listShareLinks(previewId: string): Promise<PreviewShareLink[]> {
    return this.options.store.listShareLinks(previewId);
  }

  /** Revokes a share link of the preview: the next request with it is refused. */
  async revokeShareLink(
    previewId: string,
    linkId: string,
    by: string,
  ): Promise<PreviewShareLink> {
    const revoked = await this.options.store.revokeShareLink(
      previewId,
      linkId,
      by,
      this.now(),
    );
    const link = await this.options.store.getShareLink(linkId);
    if (!link || link.previewId !== previewId)
      throw new NotFoundError(
        `Preview ${previewId} has no share link ${linkId}`,
      );
    if (revoked) {
      await this.options.recordEvent(previewId, {
        type: 'share-link-revoked',
        actor: by,
        message: `share link ${linkId.slice(0, 8)} revoked`,
      });
    }
    return link;
  }

  /** A new bypass token for the preview; the previous one stops working. */
  async rotateBypassToken(
    preview: Preview,
    by: string,
  ): Promise<PreviewBypassToken> {
    if (this.settings.mode === 'public')
      throw new InputError(
        'Preview URLs are public (previews.access.mode): no bypass token is needed',
      );
    const token = `pbt_${randomBytes(32).toString('base64url')}`;
    const at = this.now();
    await this.options.store.setBypassToken(
      preview.id,
      hashBypassToken(token),
      by,
      at,
    );
    await this.options.recordEvent(preview.id, {
      type: 'bypass-token-rotated',
      actor: by,
      message: 'bypass token rotated',
    });
    return { header: BYPASS_HEADER, token, rotatedAt: at.toISOString() };
  }

  /**
   * A bypass token for one smoke test run, good for `seconds` (signed, not
   * stored: rotating the preview's bypass token leaves it alone). Undefined
   * when preview URLs are public.
   */
  async testBypass(
    previewId: string,
    seconds: number,
  ): Promise<{ token: string; header: string } | undefined> {
    if (this.settings.mode === 'public') return undefined;
    const exp = Math.floor(this.now().getTime() / 1000) + seconds;
    return {
      token: await this.sign({ p: previewId, k: 'test', exp }),
      header: BYPASS_HEADER,
    };
  }

  /**
   * The forward-auth check of one request to the preview's URL. A request
   * with a credential reaching a sleeping preview wakes it (and is sent to
   * the wake page meanwhile); one without never wakes anything.
   */
  async check(
    previewId: string,
    request: AccessRequest,
  ): Promise<AccessDecision> {
    const preview = await this.find(previewId);
    if (!preview) return { allow: false, reason: 'gone' };
    const granted = await this.credential(preview, request);
    if (!granted) return { allow: false, reason: 'no credential' };
    if (preview.status === 'sleeping') {
      this.startWaking(preview, granted.via);
      return { allow: false, reason: 'waking' };
    }
    if (isWaking(preview)) return { allow: false, reason: 'waking' };
    return granted;
  }

  /**
   * The sign-in page the ingress sends a refused request to: the wake page
   * while the preview wakes; once awake (asked by the wake page), back to
   * where the browser was going; else to the portal's Previews tab.
   */
  async signin(
    previewId: string,
    requestUrl: string,
    woke: boolean,
  ): Promise<{ redirect: string } | { html: string } | { gone: string }> {
    const preview = await this.find(previewId);
    if (!preview) return { gone: 'This preview does not exist any more.' };
    const back = returnUrl(requestUrl, urlOf(preview));
    const again = `${
      this.settings.signinBaseUrl
    }/access/signin/${encodeURIComponent(
      preview.id,
    )}?woke=1&rd=${encodeURIComponent(back)}`;
    const progress = {
      html: progressPage({ name: preview.name, refreshUrl: again }),
    };
    if (preview.status === 'sleeping')
      return this.waking.has(preview.id)
        ? progress
        : { redirect: portalUrlOf(this.settings, preview) };
    // The wake page waits through the whole rollout (its status message changes as pods come up).
    if (isWaking(preview) || (woke && preview.status === 'provisioning'))
      return progress;
    if (woke && preview.status !== 'failed') return { redirect: back };
    return { redirect: portalUrlOf(this.settings, preview) };
  }

  private async find(previewId: string): Promise<Preview | undefined> {
    try {
      const preview = await this.options.previews.get(previewId);
      return LIVE_PREVIEW_STATUSES.includes(preview.status) && preview.url
        ? preview
        : undefined;
    } catch (e) {
      if ((e as Error).name === 'NotFoundError') return undefined;
      throw e;
    }
  }

  /** The request's credential for this preview: bypass header, a token in the URL, or the session cookie. */
  private async credential(
    preview: Preview,
    request: AccessRequest,
  ): Promise<Extract<AccessDecision, { allow: true }> | undefined> {
    const key = await this.options.store.signingKey();
    const nowSeconds = Math.floor(this.now().getTime() / 1000);
    if (request.bypassToken) {
      const run = verifyAccessToken(key, request.bypassToken, nowSeconds);
      if (run)
        return run.k === 'test' && run.p === preview.id
          ? { allow: true, via: 'bypass' }
          : undefined;
      return bypassTokenMatches(
        request.bypassToken,
        await this.options.store.bypassTokenHash(preview.id),
      )
        ? { allow: true, via: 'bypass' }
        : undefined;
    }
    const secure = (request.originalUrl ?? '').startsWith('https:');
    const fromUrl = verifyAccessToken(
      key,
      tokenInUrl(request.originalUrl),
      nowSeconds,
    );
    if (
      fromUrl &&
      fromUrl.p === preview.id &&
      (fromUrl.k === 'open' || fromUrl.k === 'share') &&
      (await this.linkIsLive(fromUrl))
    ) {
      // Traded for a session on the preview's host: the share link's own end, or the session length.
      const session: AccessClaims =
        fromUrl.k === 'share'
          ? { p: preview.id, k: 'share', l: fromUrl.l, exp: fromUrl.exp }
          : {
              p: preview.id,
              k: 'session',
              exp: nowSeconds + this.settings.sessionHours * 3600,
            };
      const setCookie = sessionCookie(signAccessToken(key, session), {
        maxAgeSeconds: session.exp - nowSeconds,
        secure,
      });
      return { allow: true, via: fromUrl.k, setCookie };
    }
    const fromCookie = verifyAccessToken(
      key,
      cookieValue(request.cookie, ACCESS_COOKIE),
      nowSeconds,
    );
    if (
      fromCookie &&
      fromCookie.p === preview.id &&
      (fromCookie.k === 'session' || fromCookie.k === 'share') &&
      (await this.linkIsLive(fromCookie))
    ) {
      return {
        allow: true,
        via: fromCookie.k === 'share' ? 'share' : 'session',
      };
    }
    return undefined;
  }

  /** A share link's token works while its link exists, is not revoked and has not expired. */
  private async linkIsLive(claims: AccessClaims): Promise<boolean> {
    if (claims.k !== 'share') return true;
    if (!claims.l) return false;
    const link = await this.options.store.getShareLink(claims.l);
    return (
      !!link &&
      link.previewId === claims.p &&
      !link.revokedAt &&
      Date.parse(link.expiresAt) > this.now().getTime()
    );
  }

  private startWaking(preview: Preview, via: string) {
    if (this.waking.has(preview.id)) return;
    this.waking.add(preview.id);
    const by = wakeSource(via);
    void (async () => {
      try {
        await this.options.recordEvent(preview.id, {
          type: 'woken-by-request',
          actor: 'system',
          message: `woken by a request to its URL (${by})`,
        });
        await this.options.wake(preview.id, by);
      } catch (e) {
        // Another request or the portal may have woken it first.
        if (!(e instanceof ConflictError))
          this.options.logger.warn(
            `Waking preview ${preview.name} on request failed: ${e}`,
          );
      } finally {
        this.waking.delete(preview.id);
      }
    })();
  }
}

/** How a waking request got in, as the preview's event names it. */
function wakeSource(via: string): string {
  if (via === 'share') return 'share link';
  if (via === 'bypass') return 'bypass token';
  return 'portal session';
}

function urlOf(preview: Preview): string {
  if (!preview.url)
    throw new InputError(
      `Preview ${preview.name} has no URL (previews.baseDomain, and a workload with a port)`,
    );
  return preview.url;
}

/** The component's Previews tab in the portal. */
function portalUrlOf(settings: AccessSettings, preview: Preview): string {
  const ref = parseEntityRef(preview.entityRef);
  // As the catalog's entity routes spell it: kind and namespace in lower case.
  const path = [
    ref.namespace.toLocaleLowerCase('en-US'),
    ref.kind.toLocaleLowerCase('en-US'),
    ref.name,
  ]
    .map(encodeURIComponent)
    .join('/');
  return `${settings.portalBaseUrl}/catalog/${path}/previews`;
}
