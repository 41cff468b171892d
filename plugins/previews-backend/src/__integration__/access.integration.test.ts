import { Preview } from '@backstage-previews/plugin-previews-common';
import { testKubeconfigPath } from '@backstage-previews/test/cluster/testCluster';
import {
  DEMO_IMAGE,
  ingressPort,
} from '@backstage-previews/test/cluster/testImages';
import {
  IngressAnswer,
  ingressGet,
} from '@backstage-previews/test/cluster/ingressGet';
import {
  PreviewsTestBackend,
  startPreviewsTestBackend,
} from '../__testUtils__/testBackend';
import { previewComponent, waitFor } from '../testUtils';

// Protected preview URLs on the real test cluster: its nginx does
// ingress-nginx's forward auth (auth-url, auth-signin) against this backend,
// and the app is a real container. Open, share links, the bypass token and
// wake on request, each seen from a browser's side: status, Location and
// Set-Cookie of what nginx answers.

jest.setTimeout(300_000);

const run = Date.now().toString(36);
const spec = JSON.stringify({
  workloads: [
    {
      name: 'web',
      image: DEMO_IMAGE,
      port: 8080,
      env: { PREVIEW_BRANCH: `access-${run}` },
    },
  ],
});

describe('protected preview URLs through nginx auth_request', () => {
  let t: PreviewsTestBackend;
  let preview: Preview;
  let host: string;
  const port = ingressPort();

  /** A browser's GET of a path on the preview's host, with a cookie or bypass header. */
  const browse = (path: string, headers: Record<string, string> = {}) =>
    ingressGet(port, host, path, 5000, headers);
  const cookieOf = (answer: IngressAnswer) => {
    const set = answer.headers['set-cookie'];
    return (Array.isArray(set) ? set[0] : set)?.split(';')[0];
  };
  const isApp = (answer: IngressAnswer) =>
    answer.status === 200 && answer.body.includes(`access-${run}`);
  /** The app, once its pod is behind the Ingress (nginx reloads a moment after the endpoints change). */
  const untilApp = (
    what: string,
    path: string,
    headers: Record<string, string> = {},
  ) =>
    waitFor(
      what,
      async () => {
        const answer = await browse(path, headers);
        return isApp(answer) ? answer : undefined;
      },
      120_000,
    );
  /**
   * One request whose credential is under test: what the auth check decided,
   * seen through nginx. A refusal is a 302 to sign in and is returned at
   * once; an answer from nginx's side of a let-through request (502/503/504,
   * or nothing: the pod's endpoint or nginx's reload between two requests)
   * says nothing of the credential, so it is asked again (for requests that
   * should pass; see `refusal` for those that should not).
   */
  const checked = (path: string, headers: Record<string, string>) =>
    waitFor(
      `an answer of the app or the check to ${path}`,
      async () => {
        const answer = await browse(path, headers);
        return [0, 502, 503, 504].includes(answer.status) ? undefined : answer;
      },
      60_000,
    );
  /**
   * One request whose credential should be refused: asked again only when
   * nothing answered (an nginx reload). Any answer from the app's side
   * (502/503/504 included) means the check let it through, and is returned.
   */
  const refusal = (path: string, headers: Record<string, string>) =>
    waitFor(
      `an answer to ${path}`,
      async () => {
        const answer = await browse(path, headers);
        return answer.status === 0 ? undefined : answer;
      },
      60_000,
    );
  /** What a failed expectation shows: the status, where it redirects, the body's start. */
  const seen = (answer: IngressAnswer) => ({
    status: answer.status,
    app: isApp(answer),
    location: answer.headers.location,
    body: answer.body.slice(0, 120),
  });
  const APP = expect.objectContaining({ status: 200, app: true });
  /** Follows the backend's sign-in redirect (outside nginx: it is the portal's host). */
  const signin = async (location: string) =>
    fetch(location, { redirect: 'manual' });

  beforeAll(async () => {
    t = await startPreviewsTestBackend({
      entities: [
        previewComponent('access-web', { 'backstage-previews.io/spec': spec }),
      ],
      previews: {
        baseDomain: 'previews.localhost',
        urlPort: port,
        kubernetes: { kubeconfig: testKubeconfigPath() },
        lifecycle: { sleep: { enabled: true } },
      },
    });
    preview = await t.create('access-web', `access-${run}`);
    host = new URL(preview.url!).host;
    await t.waitForStatus(preview.id, 'ready', 180_000);
  });

  afterAll(async () => {
    if (preview) await t.destroyAndWait(preview.id).catch(() => undefined);
    await t?.stop();
  });

  it('without a token or cookie the URL sends the browser to sign in, then to the portal', async () => {
    const answer = await waitFor(
      'nginx to ask the check',
      async () => {
        const a = await browse('/cart?x=1');
        return a.status === 302 ? a : undefined;
      },
      120_000,
    );
    const location = answer.headers.location!;
    expect(location).toBe(
      `${await discoveryBase(t)}/access/signin/${
        preview.id
      }?rd=http://${host}/cart?x=1`,
    );
    const page = await signin(location);
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toMatch(
      /\/catalog\/default\/component\/access-web\/previews$/,
    );
  });

  it('after Open the app loads, and the cookie it got keeps it loading on that host only', async () => {
    const opened = (
      await t.api().post(`/api/previews/previews/${preview.id}/open`).send({})
    ).body as { url: string; expiresAt: string };
    const withToken = new URL(opened.url);
    const first = await untilApp(
      "the app through Open's URL",
      `${withToken.pathname}${withToken.search}`,
    );
    const cookie = cookieOf(first);
    expect(cookie).toMatch(/^previews_access=/);
    expect(String(first.headers['set-cookie'])).toMatch(/HttpOnly/);
    expect(seen(await checked('/', { cookie: cookie! }))).toEqual(APP);
    expect(
      (await refusal('/', { cookie: 'previews_access=forged.value' })).status,
    ).toBe(302);
  });

  it('a share link works without a portal session until revoked, then stops at once', async () => {
    const created = await t
      .api()
      .post(`/api/previews/previews/${preview.id}/share-links`)
      .send({ hours: 1, note: 'agency' });
    expect(created.status).toBe(201);
    const link = new URL(created.body.url);
    const first = await untilApp(
      'the app through the share link',
      `${link.pathname}${link.search}`,
    );
    const cookie = cookieOf(first)!;
    expect(seen(await checked('/', { cookie }))).toEqual(APP);

    const listed = await t
      .api()
      .get(`/api/previews/previews/${preview.id}/share-links`);
    expect(listed.body.items).toEqual([
      expect.objectContaining({
        id: created.body.id,
        note: 'agency',
        createdBy: expect.any(String),
      }),
    ]);
    expect(JSON.stringify(listed.body)).not.toContain('previews_token');

    expect(
      (
        await t
          .api()
          .delete(
            `/api/previews/previews/${preview.id}/share-links/${created.body.id}`,
          )
      ).status,
    ).toBe(200);
    expect((await refusal('/', { cookie })).status).toBe(302);
    expect((await refusal(`${link.pathname}${link.search}`, {})).status).toBe(
      302,
    );
  });

  it('the bypass token works in its header; the old one fails after rotation', async () => {
    const first = (
      await t
        .api()
        .post(`/api/previews/previews/${preview.id}/bypass-token`)
        .send({})
    ).body;
    expect(first.header).toBe('x-previews-bypass');
    await untilApp('the app with the bypass token', '/', {
      [first.header]: first.token,
    });
    const second = (
      await t
        .api()
        .post(`/api/previews/previews/${preview.id}/bypass-token`)
        .send({})
    ).body;
    expect((await refusal('/', { [first.header]: first.token })).status).toBe(
      302,
    );
    expect(seen(await checked('/', { [second.header]: second.token }))).toEqual(
      APP,
    );
    const events = (
      await t.api().get(`/api/previews/previews/${preview.id}/events`)
    ).body.items.map((e: { type: string }) => e.type);
    expect(events).toEqual(
      expect.arrayContaining([
        'share-link-created',
        'share-link-revoked',
        'bypass-token-rotated',
      ]),
    );
  });

  it('a sleeping preview: an unauthenticated request leaves it asleep; a signed-in one gets the wake page, then the app', async () => {
    expect(
      (
        await t
          .api()
          .post(`/api/previews/previews/${preview.id}/sleep`)
          .send({})
      ).status,
    ).toBe(200);
    await t.waitForStatus(preview.id, 'sleeping');
    const anonymous = await refusal('/', {});
    expect(anonymous.status).toBe(302);
    expect(
      (await signin(anonymous.headers.location!)).headers.get('location'),
    ).toMatch(/\/previews$/);
    await new Promise(r => setTimeout(r, 3000));
    expect((await t.get(preview.id)).status).toBe('sleeping');

    const opened = new URL(
      (
        await t.api().post(`/api/previews/previews/${preview.id}/open`).send({})
      ).body.url,
    );
    const refused = await refusal(`${opened.pathname}${opened.search}`, {});
    expect(refused.status).toBe(302);
    let page = await signin(refused.headers.location!);
    expect(page.status).toBe(200);
    let html = await page.text();
    expect(html).toContain(`Waking up ${preview.name}`);
    // The wake page asks again every 2 s until the preview is awake, then sends the browser back.
    const back = await waitFor(
      'the wake page to send the browser back',
      async () => {
        const again = /content="2;url=([^"]+)"/
          .exec(html)?.[1]
          ?.replace(/&amp;/g, '&');
        if (!again) throw new Error(`no refresh in ${html}`);
        page = await signin(again);
        if (page.status === 302) return page.headers.get('location')!;
        html = await page.text();
        return undefined;
      },
      180_000,
    );
    expect(back).toBe(opened.toString());
    const awake = await untilApp(
      'the app after waking',
      `${opened.pathname}${opened.search}`,
    );
    expect(cookieOf(awake)).toMatch(/^previews_access=/);
    const events = (
      await t.api().get(`/api/previews/previews/${preview.id}/events`)
    ).body.items;
    expect(
      events.filter((e: { type: string }) => e.type === 'woken-by-request'),
    ).toHaveLength(1);
  });
});

/** The backend's previews API as discovery gives it (what the Ingress's auth-signin names). */
async function discoveryBase(t: PreviewsTestBackend): Promise<string> {
  const address = t.backend.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return `http://localhost:${port}/api/previews`;
}
