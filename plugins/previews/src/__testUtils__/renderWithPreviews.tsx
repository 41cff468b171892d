import { ReactElement } from 'react';
import { act } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { SWRConfig } from 'swr';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  EntityProvider,
  catalogApiRef,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { previewsApiRef } from '../api';
import { InMemoryPreviewsApi } from './InMemoryPreviewsApi';

/** The component the test previews belong to. */
export const shopEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'shop',
    annotations: { 'backstage-previews.io/enabled': 'true' },
  },
  spec: { type: 'website', owner: 'team-a', lifecycle: 'experimental' },
  relations: [{ type: 'dependsOn', targetRef: 'component:default/orders-api' }],
};

/**
 * user-event wrapped in act(): the declared @testing-library/react 14 brings
 * its own @testing-library/dom, so user-event's copy is not set up to do it.
 */
export function setupUser() {
  const user = userEvent.setup();
  return {
    click: (element: Element) => act(() => user.click(element)),
    hover: (element: Element) => act(() => user.hover(element)),
    type: (element: Element, text: string) =>
      act(() => user.type(element, text)),
    clear: (element: Element) => act(() => user.clear(element)),
    keyboard: (keys: string) => act(() => user.keyboard(keys)),
    tab: () => act(() => user.tab()),
  };
}

/** Which permissions the signed-in test user has, by permission name; all when unset. */
export type Allowed = (name: string) => boolean;

/** Renders an element in a test app with the previews API, permissions, a catalog and the shop entity. */
export async function renderWithPreviews(
  element: ReactElement,
  api: InMemoryPreviewsApi,
  options: {
    allowed?: Allowed;
    entities?: Entity[];
    mountedRoutes?: Record<string, any>;
  } = {},
) {
  const {
    allowed = () => true,
    entities = [shopEntity],
    mountedRoutes,
  } = options;
  const permissionApi = mockApis.permission({
    authorize: request =>
      allowed(request.permission.name)
        ? AuthorizeResult.ALLOW
        : AuthorizeResult.DENY,
  });
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [previewsApiRef, api],
        [permissionApiRef, permissionApi],
        [catalogApiRef, catalogApiMock({ entities })],
      ]}
    >
      {/* usePermission caches answers in SWR's global cache: one cache per test. */}
      <SWRConfig value={{ provider: () => new Map() }}>
        <EntityProvider entity={shopEntity}>{element}</EntityProvider>
      </SWRConfig>
    </TestApiProvider>,
    {
      // Entity refs render as EntityRefLinks, which need the entity page's route.
      mountedRoutes: {
        '/catalog/:namespace/:kind/:name': entityRouteRef,
        ...mountedRoutes,
      },
    },
  );
}

export const hoursFromNow = (hours: number) =>
  new Date(Date.now() + hours * 3_600_000).toISOString();
