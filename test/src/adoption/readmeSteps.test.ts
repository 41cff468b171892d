import fs from 'node:fs';
import path from 'node:path';
import {
  codeBlocksOf,
  installSteps,
  sectionOf,
} from '../../adoption/readmeSteps';

const readme = (body: string) =>
  `# Title\n\n## Add the plugins to an existing Backstage app\n\n${body}\n## Next\n\ntext\n`;

describe('installSteps', () => {
  it.each([
    [
      'an indented shell block, comments dropped',
      '1. Install:\n   ```sh\n   # both\n   yarn --cwd packages/backend add a\n   yarn --cwd packages/app add b\n   ```\n',
      [
        {
          kind: 'shell',
          commands: [
            'yarn --cwd packages/backend add a',
            'yarn --cwd packages/app add b',
          ],
        },
      ],
    ],
    [
      'a backend block',
      "```ts\nbackend.add(import('@x/backend'));\n```\n",
      [{ kind: 'backend', lines: ["backend.add(import('@x/backend'));"] }],
    ],
    [
      'a new-frontend-system block',
      "```ts\nimport p from '@x/plugin/alpha';\nexport default createApp({ features: [catalogPlugin, p] });\n```\n",
      [
        {
          kind: 'app',
          imports: ["import p from '@x/plugin/alpha';"],
          features: ['catalogPlugin', 'p'],
        },
      ],
    ],
    [
      'annotations of a component',
      "```yaml\nmetadata:\n  annotations:\n    a.io/enabled: 'true'\n    a.io/port: '8080'\n```\n",
      [
        {
          kind: 'annotations',
          annotations: { 'a.io/enabled': 'true', 'a.io/port': '8080' },
        },
      ],
    ],
    [
      'config with a previews key',
      '```yaml\npreviews:\n  baseDomain: x.example.com\n```\n',
      [
        {
          kind: 'config',
          config: { previews: { baseDomain: 'x.example.com' } },
        },
      ],
    ],
    [
      'legacy tsx and other yaml are not steps of the new-frontend-system install',
      '```tsx\n<EntityPreviewsContent />\n```\n```yaml\napp:\n  extensions: []\n```\n```sh\nyarn add z\n```\n',
      [{ kind: 'shell', commands: ['yarn add z'] }],
    ],
  ])('%s', (_name, body, expected) => {
    expect(installSteps(readme(body))).toEqual(expected);
  });

  it('stops at the next section, and a heading inside a code block does not end it', () => {
    const text =
      readme('```yaml\n# the dependency\npreviews: {}\n```\n') +
      '```sh\nyarn add not-this\n```\n';
    expect(
      sectionOf(text, 'Add the plugins to an existing Backstage app'),
    ).not.toContain('not-this');
    expect(installSteps(text)).toEqual([
      { kind: 'config', config: { previews: {} } },
    ]);
  });

  it.each([
    ['no such section', '# Title\n\n## Other\n', /has no "## Add the plugins/],
    ['a section without steps', readme('Just text.\n'), /has no steps/],
    ['an unclosed code block', readme('```sh\nyarn add a\n'), /never closed/],
  ])('refuses %s', (_name, text, error) => {
    expect(() => installSteps(text)).toThrow(error);
  });

  it('reads the repository README: install, backend, new frontend system, annotations and config, in that order', () => {
    const steps = installSteps(
      fs.readFileSync(
        path.join(__dirname, '..', '..', '..', 'README.md'),
        'utf8',
      ),
    );
    expect(steps.map(s => s.kind)).toEqual([
      'shell',
      'backend',
      'app',
      'annotations',
      'config',
    ]);
  });
});

describe('codeBlocksOf', () => {
  it('keeps the relative indentation inside an indented block', () => {
    expect(codeBlocksOf('   ```yaml\n   a:\n     b: 1\n   ```\n')).toEqual([
      { lang: 'yaml', code: 'a:\n  b: 1' },
    ]);
  });
});
