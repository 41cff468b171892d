import { ConfigReader } from '@backstage/config';
import { DEFAULT_LIFECYCLE_POLICY } from './expiry';
import { startFakePrometheus, vectorAnswer } from './fakePrometheus';
import {
  PrometheusTrafficSource,
  trafficSourceFromConfig,
} from './PrometheusTrafficSource';

// Against a loopback server speaking the Prometheus query API.

const now = new Date('2026-11-22T06:00:00.000Z');
const preview = {
  id: 'id-1',
  name: 'shop-feature-a',
  namespace: 'shop-feature-a',
};

describe('PrometheusTrafficSource', () => {
  let fake: Awaited<ReturnType<typeof startFakePrometheus>>;
  beforeEach(async () => {
    fake = await startFakePrometheus();
  });
  afterEach(() => fake.close());

  const source = (
    extra: Partial<
      ConstructorParameters<typeof PrometheusTrafficSource>[0]
    > = {},
  ) =>
    // A generous timeout: a loaded machine may answer a loopback request late; only the hang case waits for it.
    new PrometheusTrafficSource({
      url: `${fake.url}/`,
      windowMinutes: 60,
      clock: () => now,
      timeoutMs: 10_000,
      ...extra,
    });

  it('asks ingress-nginx requests of the namespace over the idle window; traffic means served now', async () => {
    fake.answer = vectorAnswer('3.5');
    await expect(source().lastRequestAt(preview)).resolves.toEqual(now);
    expect(fake.queries).toEqual([
      'sum(increase(nginx_ingress_controller_requests{exported_namespace="shop-feature-a"}[60m]))',
    ]);
  });

  it('no traffic: a zero sample is undefined; no series at all is unknown and throws', async () => {
    fake.answer = vectorAnswer('0');
    await expect(source().lastRequestAt(preview)).resolves.toBeUndefined();
    fake.answer = vectorAnswer();
    await expect(source().lastRequestAt(preview)).rejects.toThrow(
      /Prometheus has no series for preview shop-feature-a .*its traffic is unknown/,
    );
    expect(fake.queries).toHaveLength(2);
  });

  it('uses a custom query template, the name when no namespace is known, and the configured headers', async () => {
    fake.answer = vectorAnswer('0', '1');
    const custom = source({
      query:
        'sum by (ingress) (rate(requests{ns="{namespace}"}[{window}])) or vector(0) # {namespace}',
      windowMinutes: 0.5,
      headers: { authorization: 'Bearer t0ken' },
    });
    await expect(
      custom.lastRequestAt({ id: 'x', name: 'other-ns' }),
    ).resolves.toEqual(now);
    expect(fake.queries).toEqual([
      'sum by (ingress) (rate(requests{ns="other-ns"}[1m])) or vector(0) # other-ns',
    ]);
    expect(fake.headers[0].authorization).toBe('Bearer t0ken');
  });

  it('refuses a namespace that is not a DNS-1123 label without querying', async () => {
    for (const namespace of [
      'a"}[1m]) or vector(1) #',
      'Upper',
      '-x',
      'a'.repeat(64),
    ]) {
      await expect(
        source().lastRequestAt({ ...preview, namespace }),
      ).rejects.toThrow(/not a DNS-1123 label/);
    }
    expect(fake.queries).toEqual([]);
  });

  it.each([
    [
      'HTTP 500',
      {
        status: 500,
        body: '{"status":"error","errorType":"internal","error":"boom"}',
      },
      /HTTP 500.*boom/,
    ],
    ['bad JSON', { status: 200, body: '<html>proxy</html>' }, /without JSON/],
    [
      'status error',
      {
        status: 200,
        body: '{"status":"error","errorType":"bad_data","error":"parse error"}',
      },
      /parse error/,
    ],
    ['NaN sample', vectorAnswer('NaN'), /not a number/],
    [
      'matrix result',
      {
        status: 200,
        body: '{"status":"success","data":{"resultType":"matrix","result":[]}}',
      },
      /unexpected result type matrix/,
    ],
    ['no answer (timeout)', 'hang' as const, /failed/],
  ])(
    '%s throws (never reads as no traffic)',
    async (_name, answer, message) => {
      fake.answer = answer;
      await expect(
        source(answer === 'hang' ? { timeoutMs: 300 } : {}).lastRequestAt(
          preview,
        ),
      ).rejects.toThrow(message);
    },
  );

  it('an unreachable server throws', async () => {
    const url = fake.url;
    await fake.close();
    await expect(
      new PrometheusTrafficSource({ url, windowMinutes: 60 }).lastRequestAt(
        preview,
      ),
    ).rejects.toThrow(/failed/);
  });
});

describe('trafficSourceFromConfig', () => {
  const policy = DEFAULT_LIFECYCLE_POLICY;
  const lifecycle = (sleep: object) => new ConfigReader({ sleep });

  it('is none for the default and for activity', () => {
    expect(trafficSourceFromConfig(undefined, policy)).toBeUndefined();
    expect(
      trafficSourceFromConfig(
        lifecycle({ enabled: true, idleSource: 'activity' }),
        policy,
      ),
    ).toBeUndefined();
  });

  it('builds the Prometheus source, and refuses a missing url or an unknown source at startup', () => {
    expect(
      trafficSourceFromConfig(
        lifecycle({
          idleSource: 'ingress-nginx-prometheus',
          prometheus: { url: 'http://prom:9090' },
        }),
        policy,
      ),
    ).toBeInstanceOf(PrometheusTrafficSource);
    expect(() =>
      trafficSourceFromConfig(
        lifecycle({ idleSource: 'ingress-nginx-prometheus' }),
        policy,
      ),
    ).toThrow(
      /previews\.lifecycle\.sleep\.prometheus\.url: required when .*ingress-nginx-prometheus/,
    );
    expect(() =>
      trafficSourceFromConfig(lifecycle({ idleSource: 'traefik' }), policy),
    ).toThrow(/idleSource 'traefik'/);
  });
});
