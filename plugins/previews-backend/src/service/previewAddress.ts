import { Config } from '@backstage/config';

/**
 * Where previews answer: `<name>.<baseDomain>`, by `urlScheme` on
 * `urlPort` (from the `previews` config). No address without a base domain.
 */
export class PreviewAddress {
  static fromConfig(config?: Config): PreviewAddress {
    const port = config?.getOptionalNumber('urlPort');
    if (
      port !== undefined &&
      (!Number.isInteger(port) || port < 1 || port > 65535)
    ) {
      throw new Error(
        `previews.urlPort must be a port number (1-65535), got ${port}`,
      );
    }
    return new PreviewAddress(
      config?.getOptionalString('baseDomain'),
      config?.getOptionalString('urlScheme') ?? 'https',
      port,
    );
  }

  private constructor(
    private readonly baseDomain: string | undefined,
    private readonly scheme: string,
    private readonly port: number | undefined,
  ) {}

  hostOf(name: string): string | undefined {
    return this.baseDomain ? `${name}.${this.baseDomain}` : undefined;
  }

  urlOf(name: string): string | undefined {
    const host = this.hostOf(name);
    return host
      ? `${this.scheme}://${host}${this.port ? `:${this.port}` : ''}`
      : undefined;
  }
}
