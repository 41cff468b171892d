import { PreviewAccessGate } from '@backstage-previews/plugin-previews-node';

/**
 * ingress-nginx's forward-auth annotations for a protected preview: nginx
 * asks `auth-url` before each request (with X-Original-URL and the request's
 * cookies and headers), passes the answer's Set-Cookie on, and sends a 401
 * to `auth-signin` with `?rd=<the request's URL>`. Traefik (a ForwardAuth
 * middleware) and Envoy (ext_authz) do the same with their own objects:
 * docs/access.md. Pure.
 */
export function forwardAuthAnnotations(
  gate: PreviewAccessGate,
): Record<string, string> {
  return {
    'nginx.ingress.kubernetes.io/auth-url': gate.checkUrl,
    'nginx.ingress.kubernetes.io/auth-signin': gate.signinUrl,
    // The check answers from the request's headers alone: never send it the body.
    'nginx.ingress.kubernetes.io/auth-method': 'GET',
  };
}
