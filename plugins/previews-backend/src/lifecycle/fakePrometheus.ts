import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/** What the fake answers: an HTTP status and a raw body, or no answer at all. */
export type FakePrometheusAnswer = { status: number; body: string } | 'hang';

/** A Prometheus instant-query answer with one sample per value (test helper). */
export function vectorAnswer(...values: string[]): FakePrometheusAnswer {
  const result = values.map(v => ({ metric: {}, value: [1795000000, v] }));
  return {
    status: 200,
    body: JSON.stringify({
      status: 'success',
      data: { resultType: 'vector', result },
    }),
  };
}

/**
 * A loopback server speaking Prometheus' `GET /api/v1/query` (tests only):
 * records each query and answers with `answer`.
 */
export async function startFakePrometheus() {
  const queries: string[] = [];
  const headers: IncomingMessage['headers'][] = [];
  const fake = {
    answer: vectorAnswer() as FakePrometheusAnswer,
    queries,
    headers,
    url: '',
    close: async () => {},
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' || url.pathname !== '/api/v1/query') {
      res.writeHead(404).end();
      return;
    }
    queries.push(url.searchParams.get('query') ?? '');
    headers.push(req.headers);
    const answer = fake.answer;
    if (answer === 'hang') return;
    res
      .writeHead(answer.status, { 'content-type': 'application/json' })
      .end(answer.body);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise<void>(resolve => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}
