import { Entity } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  PREVIEWS_IMAGE_ANNOTATION,
  PREVIEWS_PORT_ANNOTATION,
  PreviewSpec,
} from '@backstage-previews/plugin-previews-common';

/**
 * A component's preview spec: the entity's annotations first, then
 * `previews.defaultSpec` from app-config for anything they leave out.
 * Throws an InputError naming the field that is missing or invalid.
 */
export function resolvePreviewSpec(entity: Entity, defaults?: Config): PreviewSpec {
  const annotations = entity.metadata.annotations ?? {};
  const where = `component ${entity.metadata.name}`;

  const image = annotations[PREVIEWS_IMAGE_ANNOTATION] ?? defaults?.getOptionalString('image');
  if (!image || !/^[^\s]+$/.test(image)) {
    throw new InputError(
      `The preview spec of ${where} has no valid image: set the ${PREVIEWS_IMAGE_ANNOTATION} annotation or previews.defaultSpec.image`,
    );
  }

  const rawPort = annotations[PREVIEWS_PORT_ANNOTATION] ?? defaults?.getOptional('port');
  const port = Number(rawPort);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InputError(
      `The preview spec of ${where} has no valid port (${JSON.stringify(rawPort ?? null)}): set the ${PREVIEWS_PORT_ANNOTATION} annotation or previews.defaultSpec.port to a number from 1 to 65535`,
    );
  }

  const env: Record<string, string> = {};
  const envConfig = defaults?.getOptionalConfig('env');
  for (const key of envConfig?.keys() ?? []) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      throw new InputError(`previews.defaultSpec.env has an invalid variable name ${JSON.stringify(key)}`);
    }
    env[key] = envConfig!.getString(key);
  }
  const replicas = defaults?.getOptionalNumber('replicas');
  return { image, port, ...(Object.keys(env).length ? { env } : {}), ...(replicas ? { replicas } : {}) };
}
