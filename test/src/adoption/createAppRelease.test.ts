import {
  compareVersions,
  findCreateAppRelease,
} from '../../adoption/createAppRelease';

describe('compareVersions', () => {
  it.each([
    ['1.55.0', '1.55.0', 0],
    ['1.9.0', '1.55.0', -1],
    ['0.10.1', '0.9.2', 1],
    ['2.0.0', '1.99.99', 1],
  ])('%s against %s', (a, b, sign) => {
    expect(Math.sign(compareVersions(a, b))).toBe(sign);
  });
});

describe('findCreateAppRelease', () => {
  // create-app version -> the Backstage release it scaffolds
  const releases: Record<string, string> = {
    '0.8.0': '1.52.0',
    '0.8.1': '1.53.0',
    '0.9.0': '1.54.0',
    '0.9.1': '1.55.0',
    '0.9.2': '1.55.0',
    '0.10.0': '1.56.0',
    '0.10.1': '1.57.0',
  };
  const versions = [...Object.keys(releases), '0.11.0-next.1'];

  it.each([
    ['1.55.0', '0.9.2'],
    ['1.52.0', '0.8.0'],
    ['1.57.0', '0.10.1'],
    ['1.54.5', undefined],
    ['1.60.0', undefined],
  ])('scaffolding %s: %s', (target, expected) => {
    const asked: string[] = [];
    const found = findCreateAppRelease(
      versions,
      v => {
        asked.push(v);
        return releases[v];
      },
      target,
    );
    expect(found).toBe(expected);
    // never a prerelease, and fewer downloads than releases
    expect(asked).not.toContain('0.11.0-next.1');
    expect(asked.length).toBeLessThanOrEqual(3);
  });
});
