import { Config } from '@backstage/config';
import { LifecyclePolicy } from './expiry';
import { PreviewTrafficSource } from './Reaper';

/** ingress-nginx's request counter of the preview's namespace over the idle window. */
export const DEFAULT_PROMETHEUS_TRAFFIC_QUERY =
  'sum(increase(nginx_ingress_controller_requests{exported_namespace="{namespace}"}[{window}]))';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export interface PrometheusTrafficSourceOptions {
  /** Base URL of the Prometheus server (`/api/v1/query` is appended). */
  url: string;
  /** PromQL with `{namespace}` and `{window}` placeholders. */
  query?: string;
  /** Sent with each query, e.g. `Authorization`. */
  headers?: Record<string, string>;
  /** The idle window, in minutes (the reaper's `sleep.idleMinutes`). */
  windowMinutes: number;
  /** Default: 5000. */
  timeoutMs?: number;
  clock?: () => Date;
}

/**
 * Traffic-based idleness from ingress controller metrics in Prometheus:
 * requests in the preview's namespace within the idle window mean it was
 * served now; a zero sample means none. Every failure, and an answer
 * without any series, throws, so the reaper skips that preview this round
 * (logged) rather than putting it to sleep on missing metrics.
 */
export class PrometheusTrafficSource implements PreviewTrafficSource {
  private readonly url: string;
  private readonly query: string;
  private readonly window: string;
  private readonly clock: () => Date;

  constructor(private readonly options: PrometheusTrafficSourceOptions) {
    this.url = `${options.url.replace(/\/+$/, '')}/api/v1/query`;
    this.query = options.query ?? DEFAULT_PROMETHEUS_TRAFFIC_QUERY;
    // Prometheus durations are whole units; a zero window would be a query error.
    this.window = `${Math.max(1, Math.ceil(options.windowMinutes))}m`;
    this.clock = options.clock ?? (() => new Date());
  }

  async lastRequestAt(preview: {
    id: string;
    name: string;
    namespace?: string;
  }): Promise<Date | undefined> {
    const namespace = preview.namespace ?? preview.name;
    // Checked before it goes into PromQL: a label value cannot break out of its quotes.
    if (namespace.length > 63 || !DNS1123_LABEL.test(namespace)) {
      throw new Error(
        `Cannot query traffic of preview ${preview.name}: namespace '${namespace}' is not a DNS-1123 label`,
      );
    }
    const query = this.query
      .split('{namespace}')
      .join(namespace)
      .split('{window}')
      .join(this.window);
    const values = await this.ask(query);
    // No series at all says nothing (a new controller, relabelled metrics, a
    // wrong query): unknown, so the preview is not put to sleep on it.
    if (!values.length) {
      throw new Error(
        `Prometheus has no series for preview ${preview.name} (query ${query}); its traffic is unknown`,
      );
    }
    return values.some(v => v > 0) ? this.clock() : undefined;
  }

  /** The sample values of an instant query (empty when no series matched). */
  private async ask(query: string): Promise<number[]> {
    const where = `Prometheus query for traffic (${this.url})`;
    let response: Response;
    try {
      response = await fetch(`${this.url}?query=${encodeURIComponent(query)}`, {
        headers: { accept: 'application/json', ...this.options.headers },
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
      });
    } catch (e) {
      throw new Error(`${where} failed: ${(e as Error).message ?? e}`);
    }
    let body: any;
    try {
      body = await response.json();
    } catch (e) {
      throw new Error(
        `${where} answered HTTP ${response.status} without JSON: ${
          (e as Error).message ?? e
        }`,
      );
    }
    if (!response.ok || body?.status !== 'success') {
      throw new Error(
        `${where} answered HTTP ${response.status}: ${body?.errorType ?? ''} ${
          body?.error ?? body?.status ?? ''
        }`.trim(),
      );
    }
    const data = body.data;
    let samples: unknown[];
    if (data?.resultType === 'vector' && Array.isArray(data.result)) {
      samples = data.result.map((r: any) => r?.value?.[1]);
    } else if (data?.resultType === 'scalar' && Array.isArray(data.result)) {
      samples = [data.result[1]];
    } else {
      throw new Error(`${where}: unexpected result type ${data?.resultType}`);
    }
    return samples.map(s => {
      const value = typeof s === 'string' ? Number(s) : NaN;
      if (!Number.isFinite(value))
        throw new Error(
          `${where}: sample value ${JSON.stringify(s)} is not a number`,
        );
      return value;
    });
  }
}

/**
 * The traffic source `previews.lifecycle.sleep.idleSource` asks for, or
 * undefined for `activity` (idle = no activity only). Throws at startup on
 * an unknown source or a missing Prometheus URL.
 */
export function trafficSourceFromConfig(
  lifecycle: Config | undefined,
  policy: LifecyclePolicy,
  clock?: () => Date,
): PreviewTrafficSource | undefined {
  const source = lifecycle?.getOptionalString('sleep.idleSource') ?? 'activity';
  if (source === 'activity') return undefined;
  if (source !== 'ingress-nginx-prometheus') {
    throw new Error(
      `Invalid config previews.lifecycle.sleep.idleSource '${source}': must be 'activity' or 'ingress-nginx-prometheus'`,
    );
  }
  const url = lifecycle?.getOptionalString('sleep.prometheus.url');
  if (!url) {
    throw new Error(
      "Missing config previews.lifecycle.sleep.prometheus.url: required when previews.lifecycle.sleep.idleSource is 'ingress-nginx-prometheus'",
    );
  }
  const headersConfig = lifecycle?.getOptionalConfig(
    'sleep.prometheus.headers',
  );
  const headers = Object.fromEntries(
    (headersConfig?.keys() ?? []).map(k => [k, headersConfig!.getString(k)]),
  );
  const query = lifecycle?.getOptionalString('sleep.prometheus.query');
  return new PrometheusTrafficSource({
    url,
    ...(query ? { query } : {}),
    headers,
    windowMinutes: policy.sleep.idleMinutes,
    ...(clock ? { clock } : {}),
  });
}
