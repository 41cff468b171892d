import express from 'express';
import Router from 'express-promise-router';
import { BYPASS_HEADER, redactTokens } from './accessRequest';
import { PreviewAccess } from './PreviewAccess';

/**
 * The routes the preview's ingress calls, without Backstage credentials
 * (the plugin allows them unauthenticated): the forward-auth check and the
 * sign-in page a refused request is sent to. What they answer depends only
 * on the credential the request carries for that one preview.
 */
export function createAccessRouter(access: PreviewAccess): express.Router {
  const router = Router();

  // ingress-nginx: 2xx lets the request through (passing Set-Cookie on); 401 sends it to sign in.
  router.get('/access/check/:id', async (req, res) => {
    const header = (name: string) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const decision = await access.check(req.params.id, {
      originalUrl: header('x-original-url'),
      cookie: header('cookie'),
      bypassToken: header(BYPASS_HEADER),
    });
    res.setHeader('Cache-Control', 'no-store');
    if (decision.allow) {
      if (decision.setCookie) res.setHeader('Set-Cookie', decision.setCookie);
      res.status(200).end();
      return;
    }
    res.status(401).end();
  });

  router.get('/access/signin/:id', async (req, res) => {
    // The request's own log line must not carry the token of the URL it returns to.
    const url = req.originalUrl;
    req.originalUrl = redactTokens(url);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    const page = await access.signin(
      req.params.id,
      url,
      req.query.woke === '1',
    );
    if ('redirect' in page) {
      res.redirect(302, page.redirect);
    } else if ('html' in page) {
      res.status(200).type('html').send(page.html);
    } else {
      res.status(404).type('text').send(page.gone);
    }
  });

  return router;
}
