import { Entity } from '@backstage/catalog-model';
import { hasAnnotation, isEntityOwner, ownersOf } from './rules';

function entity(spec: Entity['spec'] & object, relations?: Entity['relations'], annotations?: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'shop', namespace: 'retail', ...(annotations ? { annotations } : {}) },
    spec,
    ...(relations ? { relations } : {}),
  };
}

describe('ownersOf', () => {
  it.each([
    [entity({ owner: 'team-a' }), ['group:retail/team-a']],
    [entity({ owner: 'user:default/Alice' }), ['user:default/alice']],
    [entity({ owner: 'group:other/x' }), ['group:other/x']],
    [entity({}, [{ type: 'ownedBy', targetRef: 'group:default/ops' }]), ['group:default/ops']],
    [entity({}, [{ type: 'partOf', targetRef: 'system:default/s' }]), []],
    [entity({ owner: 42 }), [] as string[]],
  ])('%#: %j', (e, owners) => {
    expect(ownersOf(e)).toEqual(owners);
  });
});

describe('isEntityOwner', () => {
  const shop = entity({ owner: 'team-a' }, [{ type: 'ownedBy', targetRef: 'group:retail/team-a' }]);

  it('allows a claim that owns the component, case-insensitively', () => {
    expect(isEntityOwner.apply(shop, { claims: ['user:default/alice', 'group:retail/Team-A'] })).toBe(true);
  });

  it('denies claims that do not own it', () => {
    expect(isEntityOwner.apply(shop, { claims: ['user:default/bob', 'group:default/team-a'] })).toBe(false);
    expect(isEntityOwner.apply(shop, { claims: [] })).toBe(false);
  });

  it('turns into a catalog-shaped filter', () => {
    expect(isEntityOwner.toQuery({ claims: ['group:retail/team-a'] })).toEqual({
      key: 'relations.ownedBy',
      values: ['group:retail/team-a'],
    });
  });
});

describe('hasAnnotation', () => {
  const shop = entity({}, undefined, { 'acme.io/tier': 'gold' });
  it.each([
    [{ annotation: 'acme.io/tier' }, true],
    [{ annotation: 'acme.io/tier', value: 'gold' }, true],
    [{ annotation: 'acme.io/tier', value: 'silver' }, false],
    [{ annotation: 'acme.io/other' }, false],
  ])('%j -> %s', (params, allowed) => {
    expect(hasAnnotation.apply(shop, params)).toBe(allowed);
  });
});
