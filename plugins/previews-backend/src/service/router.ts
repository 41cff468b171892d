import express from 'express';
import Router from 'express-promise-router';
import {
  HttpAuthService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import { BasicPermission, AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  CreatePreviewRequest,
  ListPreviewsResponse,
  previewCreatePermission,
  previewDeletePermission,
  previewReadPermission,
} from '@backstage-previews/plugin-previews-common';
import { PreviewService } from './PreviewService';

const CREATE_FIELDS: readonly (keyof CreatePreviewRequest)[] = ['entityRef', 'branch'];

/** The HTTP layer: authenticate, authorize, check the shape of the input, call the service. */
export async function createRouter(options: {
  service: PreviewService;
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  permissions: PermissionsService;
}): Promise<express.Router> {
  const { service, httpAuth, userInfo, permissions } = options;
  const router = Router();
  router.use(express.json({ limit: '16kb' }));

  async function authorize(req: express.Request, permission: BasicPermission) {
    const credentials = await httpAuth.credentials(req);
    const [decision] = await permissions.authorize([{ permission }], { credentials });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`You are not allowed to ${permission.attributes.action} previews`);
    }
    return credentials;
  }

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/previews', async (req, res) => {
    await authorize(req, previewReadPermission);
    const { entityRef, includeDestroyed } = req.query;
    if (entityRef !== undefined && typeof entityRef !== 'string') {
      throw new InputError('entityRef must be given once');
    }
    const items = await service.list(entityRef, includeDestroyed === 'true');
    const body: ListPreviewsResponse = { items };
    res.json(body);
  });

  router.post('/previews', async (req, res) => {
    const credentials = await authorize(req, previewCreatePermission);
    if (!req.is('application/json')) {
      throw new InputError('Send the request body as JSON (Content-Type: application/json)');
    }
    const body = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new InputError('The request body must be a JSON object {entityRef, branch}');
    }
    const unknown = Object.keys(body).filter(k => !CREATE_FIELDS.includes(k as keyof CreatePreviewRequest));
    if (unknown.length) {
      throw new InputError(`Unknown fields in the request body: ${unknown.slice(0, 5).join(', ')}`);
    }
    let createdBy: string | undefined;
    if (credentials.principal && 'userEntityRef' in (credentials.principal as object)) {
      createdBy = (await userInfo.getUserInfo(credentials)).userEntityRef;
    }
    const preview = await service.create({
      entityRef: body.entityRef,
      branch: body.branch,
      credentials,
      createdBy,
    });
    res.status(201).json(preview);
  });

  router.get('/previews/:id', async (req, res) => {
    await authorize(req, previewReadPermission);
    res.json(await service.get(req.params.id));
  });

  router.delete('/previews/:id', async (req, res) => {
    await authorize(req, previewDeletePermission);
    res.status(202).json(await service.destroy(req.params.id));
  });

  return router;
}
