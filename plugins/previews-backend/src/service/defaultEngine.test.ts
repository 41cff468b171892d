import { chooseDefaultEngine } from './defaultEngine';

describe('chooseDefaultEngine', () => {
  it.each<[string, string | undefined, string[], object]>([
    [
      'the configured one',
      'argocd',
      ['kubernetes', 'argocd'],
      { id: 'argocd' },
    ],
    [
      'kubernetes when none is configured and it is installed',
      undefined,
      ['argocd', 'kubernetes'],
      { id: 'kubernetes' },
    ],
    [
      'the only installed engine (an Argo CD-only portal)',
      undefined,
      ['argocd'],
      { id: 'argocd' },
    ],
    [
      'none when nothing is installed, saying what to configure',
      undefined,
      [],
      {
        problem: expect.stringMatching(
          /^No preview engine is configured: add a cluster under previews\.kubernetes/,
        ),
      },
    ],
    [
      'none when several are installed without kubernetes, naming them',
      undefined,
      ['argocd', 'static-site'],
      {
        problem: expect.stringContaining(
          'Several preview engines are installed (argocd, static-site) and previews.defaultEngine is not set',
        ),
      },
    ],
  ])('%s', (_, configured, installed, expected) => {
    expect(chooseDefaultEngine(configured, installed)).toEqual(expected);
  });

  it.each<[string, string[], string]>([
    [
      'argcd',
      ['kubernetes', 'argocd'],
      'previews.defaultEngine is "argcd" but the installed engines are: kubernetes, argocd',
    ],
    [
      'kubernetes',
      [],
      'previews.defaultEngine is "kubernetes" but the installed engines are: none',
    ],
  ])(
    'refuses a configured engine that is not installed (%s of %j)',
    (configured, installed, message) => {
      expect(() => chooseDefaultEngine(configured, installed)).toThrow(message);
    },
  );
});
