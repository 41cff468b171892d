import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { PreviewObservation } from '@backstage-previews/plugin-previews-node';
import { SeedLogTails } from './seedLogTails';

const job: V1Job = {
  metadata: {
    name: 'migrate-g2-abcdef12',
    uid: 'u1',
    labels: {
      'backstage-previews.io/seed-step': 'migrate',
      'backstage-previews.io/seed-generation': '2',
    },
  },
  status: { conditions: [{ type: 'Failed', status: 'True' }] },
};
const pod: V1Pod = {
  metadata: {
    name: 'migrate-g2-abcdef12-x1',
    ownerReferences: [
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        name: job.metadata!.name!,
        uid: 'u1',
      },
    ],
  },
  status: {
    initContainerStatuses: [
      {
        name: 'migrate',
        image: 'x',
        imageID: '',
        ready: false,
        restartCount: 0,
        state: { terminated: { exitCode: 2 } },
      },
    ],
  },
};
const failed: PreviewObservation = {
  name: 'ns1',
  state: 'progressing',
  seed: { phase: 'failed', failedStep: 'migrating', generation: 2 },
};

describe('SeedLogTails', () => {
  it('reads the failed container log once when there is no termination message, and remembers it', async () => {
    const reads: string[] = [];
    const logs = new SeedLogTails(async (ns, p, c, tail) => {
      reads.push(`${ns}/${p}/${c}/${tail}`);
      return 'applying 0002\nERROR: duplicate key\n';
    });
    const first = await logs.complete(failed, { jobs: [job], pods: [pod] });
    const second = await logs.complete(failed, { jobs: [job], pods: [pod] });
    expect(first.seed?.logTail).toEqual([
      'applying 0002',
      'ERROR: duplicate key',
    ]);
    expect(second).toEqual(first);
    expect(reads).toEqual(['ns1/migrate-g2-abcdef12-x1/migrate/20']);
  });

  it('keeps a log tail from the termination message and reads nothing', async () => {
    const logs = new SeedLogTails(async () => {
      throw new Error('must not read');
    });
    const withTail = {
      ...failed,
      seed: { ...failed.seed!, logTail: ['from the message'] },
    };
    expect(await logs.complete(withTail, { jobs: [job], pods: [pod] })).toBe(
      withTail,
    );
  });

  it('goes without a log tail when the log cannot be read (no kubelet), and does not retry', async () => {
    let reads = 0;
    const logs = new SeedLogTails(async () => {
      reads++;
      throw Object.assign(new Error('no kubelet'), { code: 500 });
    });
    expect(
      (await logs.complete(failed, { jobs: [job], pods: [pod] })).seed,
    ).toEqual(failed.seed);
    await logs.complete(failed, { jobs: [job], pods: [pod] });
    expect(reads).toBe(1);
  });

  it("redacts the preview's own secret values and URL passwords, reading the values once", async () => {
    const password = 'pw-Zq7xK2pLm9wQ4rT8';
    const secretReads: string[] = [];
    const logs = new SeedLogTails(
      async () => {
        throw new Error('must not read: the termination message has the tail');
      },
      async ns => {
        secretReads.push(ns);
        return [password];
      },
    );
    const withTail = {
      ...failed,
      seed: {
        ...failed.seed!,
        logTail: [
          `psql: FATAL: password ${password} rejected`,
          'fetch https://u:hunter22@dumps.test/a.sql: 404',
        ],
      },
    };
    const first = await logs.complete(withTail, { jobs: [job], pods: [pod] });
    expect(first.seed?.logTail).toEqual([
      'psql: FATAL: password [redacted] rejected',
      'fetch https://u:[redacted]@dumps.test/a.sql: 404',
    ]);
    expect(await logs.complete(withTail, { jobs: [job], pods: [pod] })).toEqual(
      first,
    );
    expect(secretReads).toEqual(['ns1']);
  });

  it('shows no log tail while the secret values cannot be read, and asks again next time', async () => {
    let secretReads = 0;
    const logs = new SeedLogTails(
      async () => 'ERROR: duplicate key\n',
      async () => {
        secretReads++;
        if (secretReads === 1)
          throw Object.assign(new Error('forbidden'), { code: 403 });
        return [];
      },
    );
    const withTail = {
      ...failed,
      seed: { ...failed.seed!, logTail: ['secret-looking line'] },
    };
    expect(
      (await logs.complete(withTail, { jobs: [job], pods: [pod] })).seed
        ?.logTail,
    ).toBeUndefined();
    expect(
      (await logs.complete(withTail, { jobs: [job], pods: [pod] })).seed
        ?.logTail,
    ).toEqual(['secret-looking line']);
    expect(secretReads).toBe(2);
  });
});
