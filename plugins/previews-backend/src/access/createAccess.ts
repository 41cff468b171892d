import {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { Knex } from 'knex';
import { Preview } from '@backstage-previews/plugin-previews-common';
import { DatabaseAccessStore } from '../database/DatabaseAccessStore';
import { AccessSettings, accessSettingsFromConfig } from './accessSettings';
import { PreviewAccess, PreviewAccessOptions } from './PreviewAccess';
import { wakeWithDependencies } from './wakeWithDependencies';

/** `previews.access` with the backend's and the portal's own URLs as defaults. */
export async function loadAccessSettings(options: {
  rootConfig: Config;
  discovery: DiscoveryService;
}): Promise<AccessSettings> {
  return accessSettingsFromConfig(
    options.rootConfig.getOptionalConfig('previews'),
    {
      internalBaseUrl: await options.discovery.getBaseUrl('previews'),
      externalBaseUrl: await options.discovery.getExternalBaseUrl('previews'),
      appBaseUrl:
        options.rootConfig.getOptionalString('app.baseUrl') ??
        (await options.discovery.getExternalBaseUrl('previews')).replace(
          /\/api\/previews$/,
          '',
        ),
    },
  );
}

/** Protected URLs on the plugin's database; a request's wake goes through the lifecycle as the backend itself. */
export function createAccess(options: {
  settings: AccessSettings;
  db: Knex;
  previews: { get(id: string): Promise<Preview> };
  lifecycle: {
    wake(
      id: string,
      credentials: Awaited<ReturnType<AuthService['getOwnServiceCredentials']>>,
    ): Promise<unknown>;
  };
  auth: AuthService;
  recordEvent: PreviewAccessOptions['recordEvent'];
  logger: LoggerService;
}): PreviewAccess {
  const { previews, lifecycle, auth } = options;
  return new PreviewAccess({
    ...options,
    store: new DatabaseAccessStore(options.db),
    wake: id =>
      wakeWithDependencies(id, {
        get: i => previews.get(i),
        wake: async i =>
          lifecycle.wake(i, await auth.getOwnServiceCredentials()),
      }),
  });
}
