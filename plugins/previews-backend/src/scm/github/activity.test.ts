import { pullRequestActivityOf, pullRequestLabelsOf } from './activity';

const repository = { full_name: 'acme/shop' };

describe('pullRequestActivityOf', () => {
  it.each<[string, string, any, string | undefined]>([
    [
      'new commits',
      'github.pull_request',
      { action: 'synchronize', pull_request: { number: 7 }, repository },
      'commits',
    ],
    [
      'labelled is not activity',
      'github.pull_request',
      { action: 'labeled', pull_request: { number: 7 }, repository },
      undefined,
    ],
    [
      'a comment on the PR',
      'github.issue_comment',
      {
        action: 'created',
        issue: { number: 7, pull_request: {} },
        comment: {
          body: 'LGTM',
          user: { type: 'User' },
          author_association: 'MEMBER',
        },
        repository,
      },
      'comment',
    ],
    [
      'a comment by a collaborator',
      'github.issue_comment',
      {
        action: 'edited',
        issue: { number: 7, pull_request: {} },
        comment: {
          body: 'ok',
          user: { type: 'User' },
          author_association: 'COLLABORATOR',
        },
        repository,
      },
      'comment',
    ],
    [
      'a comment from outside the repository',
      'github.issue_comment',
      {
        action: 'created',
        issue: { number: 7, pull_request: {} },
        comment: {
          body: '+1',
          user: { type: 'User' },
          author_association: 'NONE',
        },
        repository,
      },
      undefined,
    ],
    [
      'a comment by a past contributor',
      'github.issue_comment',
      {
        action: 'created',
        issue: { number: 7, pull_request: {} },
        comment: {
          body: 'hi',
          user: { type: 'User' },
          author_association: 'CONTRIBUTOR',
        },
        repository,
      },
      undefined,
    ],
    [
      'a review from outside the repository',
      'github.pull_request_review',
      {
        action: 'submitted',
        pull_request: { number: 7 },
        review: {
          user: { type: 'User' },
          author_association: 'FIRST_TIME_CONTRIBUTOR',
        },
        repository,
      },
      undefined,
    ],
    [
      'a comment on a plain issue',
      'github.issue_comment',
      {
        action: 'created',
        issue: { number: 7 },
        comment: { body: 'hi' },
        repository,
      },
      undefined,
    ],
    [
      'our sticky comment',
      'github.issue_comment',
      {
        action: 'edited',
        issue: { number: 7, pull_request: {} },
        comment: { body: '<!-- backstage-previews -->\n## Previews' },
        repository,
      },
      undefined,
    ],
    [
      'a bot',
      'github.issue_comment',
      {
        action: 'created',
        issue: { number: 7, pull_request: {} },
        comment: { body: 'x' },
        sender: { type: 'Bot' },
        repository,
      },
      undefined,
    ],
    [
      'a deleted comment',
      'github.issue_comment',
      {
        action: 'deleted',
        issue: { number: 7, pull_request: {} },
        comment: { body: 'x' },
        repository,
      },
      undefined,
    ],
    [
      'a review',
      'github.pull_request_review',
      {
        action: 'submitted',
        pull_request: { number: 7 },
        review: { user: { type: 'User' }, author_association: 'OWNER' },
        repository,
      },
      'review',
    ],
    [
      'a dismissed review',
      'github.pull_request_review',
      { action: 'dismissed', pull_request: { number: 7 }, repository },
      undefined,
    ],
    [
      'a review comment',
      'github.pull_request_review_comment',
      {
        action: 'created',
        pull_request: { number: 7 },
        comment: { user: {}, author_association: 'MEMBER' },
        repository,
      },
      'review',
    ],
    [
      'no repository',
      'github.pull_request',
      { action: 'synchronize', pull_request: { number: 7 } },
      undefined,
    ],
    ['another topic', 'github.push', { repository }, undefined],
  ])('%s', (_name, topic, payload, kind) => {
    const activity = pullRequestActivityOf(topic, payload);
    expect(activity).toEqual(
      kind ? { repo: 'acme/shop', number: 7, kind } : undefined,
    );
  });
});

describe('pullRequestLabelsOf', () => {
  it('reads the labels of pull_request events only', () => {
    expect(
      pullRequestLabelsOf('github.pull_request', {
        action: 'labeled',
        pull_request: {
          number: 3,
          labels: [{ name: 'preview' }, { name: 'preview-keep' }],
        },
        repository,
      }),
    ).toEqual({
      repo: 'acme/shop',
      number: 3,
      labels: ['preview', 'preview-keep'],
    });
    expect(
      pullRequestLabelsOf('github.issue_comment', {
        issue: { number: 3, labels: [] },
        repository,
      }),
    ).toBeUndefined();
  });
});
