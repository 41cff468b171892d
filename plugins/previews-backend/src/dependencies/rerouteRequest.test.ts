import { validateRerouteRequest } from './rerouteRequest';

describe('validateRerouteRequest', () => {
  it.each<[Record<string, unknown>, object]>([
    [{ target: 'staging' }, { target: 'staging' }],
    [
      { target: 'preview', previewId: 'abc' },
      { target: 'preview', previewId: 'abc' },
    ],
  ])('accepts %j', (body, expected) => {
    expect(validateRerouteRequest(body)).toEqual(expected);
  });

  it.each<[Record<string, unknown>, string]>([
    [{}, 'target must be "staging" or "preview"'],
    [{ target: 'prod' }, 'target must be "staging" or "preview"'],
    [{ target: ['staging'] }, 'target must be "staging" or "preview"'],
    [
      { target: 'preview' },
      'previewId (the id of a preview of the dependency) is required when target is "preview"',
    ],
    [
      { target: 'preview', previewId: 7 },
      'previewId (the id of a preview of the dependency) is required when target is "preview"',
    ],
    [
      { target: 'preview', previewId: '' },
      'previewId (the id of a preview of the dependency) is required when target is "preview"',
    ],
    [
      { target: 'staging', previewId: 'abc' },
      'previewId must not be given when target is "staging"',
    ],
  ])('refuses %j', (body, message) => {
    expect(() => validateRerouteRequest(body)).toThrow(message);
  });
});
