import { describeRequest } from './describeRequest';

describe('describeRequest', () => {
  it.each<[string, Parameters<typeof describeRequest>[0], string]>([
    [
      'create',
      {
        type: 'preview-create',
        path: '/previews',
        body: { entityRef: 'component:default/a', branch: 'feat/x' },
        status: 201,
      },
      'create requested for branch feat/x',
    ],
    [
      'create from a pull request',
      {
        type: 'preview-create',
        path: '/previews',
        body: { pullRequest: 7 },
        status: 201,
      },
      'create requested for branch of pull request #7',
    ],
    [
      'redeploy at a commit',
      {
        type: 'preview-redeploy',
        path: '/previews/i/redeploy',
        body: { sha: 'abcdef0123456789' },
        status: 200,
      },
      'redeploy requested at abcdef0',
    ],
    [
      'redeploy',
      {
        type: 'preview-redeploy',
        path: '/previews/i/redeploy',
        body: undefined,
        status: 200,
      },
      'redeploy requested',
    ],
    [
      'extend',
      {
        type: 'preview-extend',
        path: '/previews/i/extend',
        body: { hours: 2 },
        status: 200,
      },
      'extend by 2 h requested',
    ],
    [
      'refused extend',
      {
        type: 'preview-extend',
        path: '/previews/i/extend',
        body: { hours: 1e9 },
        status: 400,
        error: 'at most 168 h',
      },
      'extend by 1000000000 h requested: refused (400), at most 168 h',
    ],
    [
      'keep',
      {
        type: 'preview-keep',
        path: '/previews/i/keep',
        body: { keep: true },
        status: 200,
      },
      'keep requested',
    ],
    [
      'unkeep',
      {
        type: 'preview-keep',
        path: '/previews/i/keep',
        body: { keep: false },
        status: 200,
      },
      'stop keeping requested',
    ],
    [
      'reroute to a preview',
      {
        type: 'preview-reroute',
        path: '/previews/i/dependencies/component%3Adefault%2Forders',
        body: {
          target: 'preview',
          previewId: '8dbcce6e-dc43-499b-986d-8aa07d33bc09',
        },
        status: 200,
      },
      'reroute of component:default/orders to preview 8dbcce6e requested',
    ],
    [
      'reroute to staging',
      {
        type: 'preview-reroute',
        path: '/previews/i/dependencies/component%3Adefault%2Forders',
        body: { target: 'staging' },
        status: 200,
      },
      'reroute of component:default/orders to staging requested',
    ],
    [
      'forbidden destroy',
      {
        type: 'preview-destroy',
        path: '/previews/i',
        body: undefined,
        status: 403,
        error: 'You are not allowed',
      },
      'destroy requested: refused (403), You are not allowed',
    ],
    [
      'bulk destroy',
      {
        type: 'preview-bulk-destroy',
        path: '/previews/bulk-destroy',
        body: { ids: [] },
        status: 202,
      },
      'destroy requested (bulk, by an admin)',
    ],
    [
      'unknown action',
      { type: 'preview-other', path: '/x', body: null, status: 500 },
      'preview-other requested: refused (500)',
    ],
  ])('%s', (_, input, expected) => {
    expect(describeRequest(input)).toBe(expected);
  });
});
