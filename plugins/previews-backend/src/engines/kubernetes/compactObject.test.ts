import type { Watch } from '@kubernetes/client-node';
import { compactList, compactObject, compactingWatch } from './compactObject';

const pod = () => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'app-1',
    namespace: 'shop-x',
    labels: { app: 'web' },
    annotations: {
      'kubectl.kubernetes.io/last-applied-configuration': '{"big":"copy"}',
      keep: 'me',
    },
    managedFields: [
      {
        manager: 'backstage-previews',
        operation: 'Apply',
        fieldsV1: { 'f:spec': {} },
      },
    ],
  },
  status: { phase: 'Running' },
});

describe('compactObject', () => {
  it('drops managedFields and kubectl’s last-applied copy, and keeps everything observed', () => {
    expect(compactObject(pod())).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'app-1',
        namespace: 'shop-x',
        labels: { app: 'web' },
        annotations: { keep: 'me' },
      },
      status: { phase: 'Running' },
    });
  });

  it('leaves objects without metadata or annotations alone', () => {
    expect(compactObject({ apiVersion: 'v1', kind: 'Status' })).toEqual({
      apiVersion: 'v1',
      kind: 'Status',
    });
    expect(compactObject({ metadata: { name: 'n' } })).toEqual({
      metadata: { name: 'n' },
    });
  });

  it('compacts the items of a list and the objects of watch events', async () => {
    const list = await compactList(
      Promise.resolve({
        items: [pod(), pod()],
        metadata: { resourceVersion: '7' },
      }),
    );
    expect(list.items.every(i => !i.metadata?.managedFields)).toBe(true);
    expect(list.metadata.resourceVersion).toBe('7');

    const seen: unknown[] = [];
    const inner = {
      watch: async (
        _path: string,
        _query: object,
        callback: (phase: string, o: unknown, w?: unknown) => void,
      ) => {
        callback('ADDED', pod(), { type: 'ADDED' });
        return new AbortController();
      },
    } as unknown as Watch;
    await compactingWatch(inner).watch(
      '/api/v1/pods',
      {},
      (phase, o) => seen.push([phase, o]),
      () => undefined,
    );
    expect(seen).toEqual([
      [
        'ADDED',
        expect.objectContaining({
          metadata: expect.not.objectContaining({
            managedFields: expect.anything(),
          }),
        }),
      ],
    ]);
  });
});
