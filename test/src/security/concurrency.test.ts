import knexFactory, { Knex } from 'knex';
import { Preview } from '@backstage-previews/plugin-previews-common';
import { waitFor } from '../../../plugins/previews-backend/src/testUtils';
import {
  SEC_REPO,
  SecurityBackend,
  secComponent,
  signedDelivery,
  startSecurityBackend,
} from './securityBackend';
import { DEMO_IMAGE } from '../../cluster/testImages';
import { pullRequestEvent } from '../../github/webhookPayloads';

// Duplicates: 20 identical creates at once, and 20 webhook deliveries of the
// same labelled pull request at once, on two backend replicas sharing one
// PostgreSQL database (a database of its own), against the real test
// cluster. Exactly one preview and one namespace may result.

jest.setTimeout(240_000);

const run = Date.now().toString(36);
const WEBHOOK_SECRET = `conc-webhook-${run}`;
const base = process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
const database = `conc_${run}`;
const entities = [
  secComponent('conc-shop', { 'backstage-previews.io/image': DEMO_IMAGE }),
  secComponent('conc-web', { 'backstage-previews.io/image': DEMO_IMAGE }),
];

function connect(db?: string): Knex {
  if (!base) {
    throw new Error(
      'Set BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING (e.g. postgresql://postgres:postgres@127.0.0.1:5432)',
    );
  }
  const url = new URL(base);
  if (db) url.pathname = `/${db}`;
  return knexFactory({
    client: 'pg',
    connection: url.toString(),
    pool: { min: 0, max: 10 },
  });
}

describe('duplicate requests on two replicas sharing PostgreSQL', () => {
  let admin: Knex;
  let knexes: Knex[] = [];
  let replicas: SecurityBackend[] = [];
  const created: Preview[] = [];

  beforeAll(async () => {
    admin = connect();
    await admin.raw(`CREATE DATABASE ${database}`);
    knexes = [connect(database), connect(database)];
    // The second replica starts after the first migrated, as a rolling deploy would.
    replicas.push(
      await startSecurityBackend({
        entities,
        webhookSecret: WEBHOOK_SECRET,
        githubToken: 't',
        knex: knexes[0],
      }),
    );
    replicas.push(
      await startSecurityBackend({
        entities,
        webhookSecret: WEBHOOK_SECRET,
        githubToken: 't',
        knex: knexes[1],
      }),
    );
  });

  afterAll(async () => {
    for (const p of created)
      await replicas[0].api().delete(`/api/previews/previews/${p.id}`);
    for (const p of created) {
      await waitFor(`preview ${p.name} to be destroyed`, async () => {
        const res = await replicas[0]
          .api()
          .get(`/api/previews/previews/${p.id}`);
        return res.body.status === 'destroyed';
      });
    }
    for (const r of replicas) await r.stop();
    for (const k of knexes) await k.destroy();
    await admin?.raw(`DROP DATABASE IF EXISTS ${database}`);
    await admin?.destroy();
  });

  it('20 identical creates at once, split over both replicas: one 201, nineteen 409, one namespace', async () => {
    const branch = `conc-create-${run}`;
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        replicas[i % 2]
          .api()
          .post('/api/previews/previews')
          .send({ entityRef: 'component:default/conc-shop', branch }),
      ),
    );
    const statuses = answers.map(a => a.status).sort();
    expect(statuses).toEqual([201, ...Array(19).fill(409)]);
    for (const a of answers.filter(x => x.status === 409)) {
      expect(a.body.error.message).toMatch(/already has a preview/);
    }
    const preview: Preview = answers.find(a => a.status === 201)!.body;
    created.push(preview);
    const rows = await knexes[0]('previews').where({
      entity_ref: 'component:default/conc-shop',
      branch,
    });
    expect(rows.map(r => r.id)).toEqual([preview.id]);
    expect(await replicas[0].namespaces('conc-shop')).toEqual([preview.name]);
    // Both replicas see it become ready.
    for (const r of replicas) {
      await waitFor('the preview to be ready on both replicas', async () => {
        const res = await r.api().get(`/api/previews/previews/${preview.id}`);
        return res.body.status === 'ready';
      });
    }
  });

  it('20 deliveries of the same labelled pull request at once: one preview', async () => {
    const n = 7000 + (Date.now() % 1000);
    const branch = `conc-pr-${run}`;
    const pull = replicas[0].github.pullJson(SEC_REPO, {
      number: n,
      title: 'Concurrent',
      state: 'open',
      draft: false,
      labels: ['preview'],
      head: { ref: branch, sha: 'c'.repeat(40) },
      base: { ref: 'main' },
      updated_at: new Date().toISOString(),
    });
    const payload = pullRequestEvent('labeled', pull, { label: 'preview' });
    // GitHub redelivers with new delivery ids; each replica receives some.
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        const { body, headers } = signedDelivery(
          'pull_request',
          payload,
          WEBHOOK_SECRET,
          `conc-${run}-${i}`,
        );
        return replicas[i % 2]
          .api()
          .post('/api/events/http/github')
          .set(headers)
          .send(body);
      }),
    );
    expect(answers.map(a => a.status)).toEqual(Array(20).fill(202));
    // Every delivery was handled (each claimed its id) before counting.
    await waitFor('all 20 deliveries to be handled', async () => {
      const rows = await knexes[0]('previews_github_deliveries').where(
        'delivery_id',
        'like',
        `conc-${run}-%`,
      );
      return rows.length === 20;
    });
    const previews = await waitFor(
      'the previews of the pull request',
      async () => {
        const rows = await knexes[0]('previews').where({
          repo: SEC_REPO,
          pr_number: n,
        });
        // Both components of the repository get one each.
        return rows.length >= 2 ? rows : undefined;
      },
    );
    const byComponent = previews.map(r => r.entity_ref).sort();
    expect(byComponent).toEqual([
      'component:default/conc-shop',
      'component:default/conc-web',
    ]);
    for (const r of previews)
      created.push({ id: r.id, name: r.name } as Preview);
    const names = previews.map(r => r.name).sort();
    await waitFor('the namespaces', async () => {
      const all = [
        ...(await replicas[0].namespaces('conc-shop')),
        ...(await replicas[0].namespaces('conc-web')),
      ];
      return names.every(x => all.includes(x));
    });
    // No other namespace of this pull request's branch exists.
    const ofBranch = (await replicas[0].namespaces('conc-')).filter(x =>
      x.includes(`conc-pr-${run}`),
    );
    expect(ofBranch).toEqual(names);
  });
});
