import express from 'express';
import { createValidatedOpenApiRouter } from '@backstage/backend-openapi-utils';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  Preview,
  previewReadPermission,
  previewUpdatePermission,
} from '@backstage-previews/plugin-previews-common';
import {
  PreviewEngine,
  PreviewRuntime,
} from '@backstage-previews/plugin-previews-node';
import { spec } from '../schema/openapi.generated';
import { targetOf } from './previewTarget';
import type { PreviewService } from './PreviewService';

type ApiRouter = ReturnType<typeof createValidatedOpenApiRouter<typeof spec>>;

/**
 * Pods, logs, cluster events and restarts of a preview, from its engine's
 * runtime: reading needs `read`, restarting `update`. A followed log is
 * streamed as the container writes it, until the client goes away.
 */
export function registerRuntimeRoutes(
  api: ApiRouter,
  options: {
    service: PreviewService;
    engines: ReadonlyMap<string, PreviewEngine>;
    authorize(
      req: express.Request<any, any, any, any>,
      permission: BasicPermission | ResourcePermission<any>,
    ): Promise<BackstageCredentials>;
  },
) {
  const { service, authorize } = options;
  const runtimeOf = (preview: Preview): PreviewRuntime => {
    const runtime = options.engines.get(preview.engine)?.runtime;
    if (!runtime)
      throw new InputError(
        `Previews on the ${preview.engine} engine do not show their pods, logs or events`,
      );
    return runtime;
  };

  api.get('/previews/:id/pods', async (req, res) => {
    await authorize(req, previewReadPermission);
    const preview = await service.get(req.params.id);
    res.json({ items: await runtimeOf(preview).listPods(targetOf(preview)) });
  });

  api.get('/previews/:id/pods/:pod/logs', async (req, res) => {
    await authorize(req, previewReadPermission);
    const preview = await service.get(req.params.id);
    const { container, previous, follow, tailLines, download } = req.query;
    const aborted = new AbortController();
    req.on('close', () => aborted.abort());
    let started = false;
    const start = () => {
      if (started) return;
      started = true;
      // no-transform: the compression middleware would hold the lines back.
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.setHeader('Cache-Control', 'no-store, no-transform');
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('X-Accel-Buffering', 'no');
      if (download)
        res.setHeader(
          'Content-Disposition',
          `attachment; filename="${req.params.pod}-${container}.log"`,
        );
      res.status(200);
      res.flushHeaders();
    };
    const request = {
      pod: req.params.pod,
      container,
      previous,
      follow,
      tailLines,
    };
    try {
      await runtimeOf(preview).streamLogs(
        targetOf(preview),
        request,
        text => {
          start();
          res.write(text);
        },
        aborted.signal,
      );
    } catch (e) {
      if (!started) throw e;
      res.write(`\n[the log stream ended: ${(e as Error).message}]\n`);
    }
    start();
    res.end();
  });

  api.get('/previews/:id/cluster-events', async (req, res) => {
    await authorize(req, previewReadPermission);
    const preview = await service.get(req.params.id);
    res.json({ items: await runtimeOf(preview).listEvents(targetOf(preview)) });
  });

  api.post('/previews/:id/workloads/:workload/restart', async (req, res) => {
    await authorize(req, previewUpdatePermission);
    const preview = await service.get(req.params.id);
    await runtimeOf(preview).restartWorkload(
      targetOf(preview),
      req.params.workload,
    );
    res.status(202).json({
      workload: req.params.workload,
      restartedAt: new Date().toISOString(),
    });
  });
}
