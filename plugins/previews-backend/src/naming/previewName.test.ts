import { isDns1123Label, previewName, slugify } from './previewName';

describe('slugify', () => {
  it.each([
    ['feature/login', 20, 'feature-login'],
    ['Feature__Login!!', 20, 'feature-login'],
    ['--x--', 20, 'x'],
    ['ünïcödé', 20, 'unicode'],
    ['日本語', 20, ''],
    ['abcdefghij-klmnop', 11, 'abcdefghij'],
  ])('%j (max %i) → %j', (input, max, expected) => {
    expect(slugify(input, max)).toBe(expected);
  });
});

describe('previewName', () => {
  const ref = 'component:default/shop-frontend';
  it.each([
    [ref, 'main', /^shop-frontend-main-[0-9a-f]{8}$/],
    [
      ref,
      'feature/Login_Page',
      /^shop-frontend-feature-login-page-[0-9a-f]{8}$/,
    ],
    [ref, '日本語', /^shop-frontend-[0-9a-f]{8}$/],
    [ref, 'x'.repeat(300), /^shop-frontend-x+-[0-9a-f]{8}$/],
    [
      'component:default/a-very-long-component-name-that-goes-on',
      'feature/also-long',
      /^a-very-long-componen-feature-also-long-[0-9a-f]{8}$/,
    ],
    ['component:default/日本', 'main', /^main-[0-9a-f]{8}$/],
  ])('%s @ %s has the expected shape', (entityRef, branch, shape) => {
    const name = previewName(entityRef, branch);
    expect(name).toMatch(shape);
    expect(isDns1123Label(name)).toBe(true);
    expect(name.length).toBeLessThanOrEqual(63);
  });

  it('is stable for the same input', () => {
    expect(previewName(ref, 'feature/x')).toBe(previewName(ref, 'feature/x'));
  });

  it('differs for branches that slug alike', () => {
    expect(previewName(ref, 'feature/x')).not.toBe(
      previewName(ref, 'feature-x'),
    );
    expect(previewName(ref, 'Feature-X')).not.toBe(
      previewName(ref, 'feature-x'),
    );
  });

  it('differs for the same branch of different components or namespaces', () => {
    expect(previewName(ref, 'main')).not.toBe(
      previewName('component:team-b/shop-frontend', 'main'),
    );
  });

  it('cuts long branches to exactly 63 characters', () => {
    expect(previewName(ref, 'b'.repeat(300))).toHaveLength(63);
  });
});

describe('isDns1123Label', () => {
  it.each([
    ['abc', true],
    ['a-b-1', true],
    ['-a', false],
    ['a-', false],
    ['A', false],
    ['a.b', false],
    ['', false],
    ['a'.repeat(63), true],
    ['a'.repeat(64), false],
  ])('%j → %s', (input, valid) => {
    expect(isDns1123Label(input)).toBe(valid);
  });
});
