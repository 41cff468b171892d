import { addAppFeatures, addBackendLines } from '../../adoption/editApp';

const backendIndex = [
  "import { createBackend } from '@backstage/backend-defaults';",
  'const backend = createBackend();',
  "backend.add(import('@backstage/plugin-app-backend'));",
  'backend.start();',
  '',
].join('\n');

describe('addBackendLines', () => {
  it('adds the lines before backend.start()', () => {
    const out = addBackendLines(backendIndex, [
      "backend.add(import('@x/backend'));",
    ]);
    expect(out.indexOf("backend.add(import('@x/backend'));")).toBeLessThan(
      out.indexOf('backend.start();'),
    );
    expect(out.indexOf("backend.add(import('@x/backend'));")).toBeGreaterThan(
      out.indexOf('plugin-app-backend'),
    );
  });

  it('adds a line that is already there only once', () => {
    const once = addBackendLines(backendIndex, [
      "backend.add(import('@x/backend'));",
    ]);
    expect(addBackendLines(once, ["backend.add(import('@x/backend'));"])).toBe(
      once,
    );
  });

  it('refuses an index without backend.start()', () => {
    expect(() => addBackendLines('const backend = 1;', ['x'])).toThrow(
      /no backend.start/,
    );
  });
});

describe('addAppFeatures', () => {
  it.each([
    [
      'single-line imports',
      "import { createApp } from '@backstage/frontend-defaults';\nimport catalogPlugin from '@backstage/plugin-catalog/alpha';\n\nexport default createApp({\n  features: [catalogPlugin, navModule],\n});\n",
      "import { createApp } from '@backstage/frontend-defaults';\nimport catalogPlugin from '@backstage/plugin-catalog/alpha';\nimport p from '@x/plugin/alpha';\n\nexport default createApp({\n  features: [catalogPlugin, navModule, p],\n});\n",
    ],
    [
      'an import that spans lines',
      "import {\n  a,\n  b,\n} from 'ab';\n\ncreateApp({ features: [] });\n",
      "import {\n  a,\n  b,\n} from 'ab';\nimport p from '@x/plugin/alpha';\n\ncreateApp({ features: [catalogPlugin, p] });\n",
    ],
  ])('%s', (_name, source, expected) => {
    expect(
      addAppFeatures(
        source,
        ["import p from '@x/plugin/alpha';"],
        ['catalogPlugin', 'p'],
      ),
    ).toBe(expected);
  });

  it('refuses an App.tsx without a features list', () => {
    expect(() =>
      addAppFeatures('export default createApp();', [], ['p']),
    ).toThrow(/no createApp\(\{ features/);
  });
});
