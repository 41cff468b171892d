import { screen } from '@testing-library/react';
import { Route, Routes } from 'react-router-dom';
import { renderTestApp } from '@backstage/frontend-test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { mockApis } from '@backstage/test-utils';
import { previewsApiRef } from './api';
import { InMemoryPreviewsApi } from './__testUtils__/InMemoryPreviewsApi';
import { renderWithPreviews } from './__testUtils__/renderWithPreviews';
import {
  EntityPreviewsCard,
  EntityPreviewsContent,
  PreviewsPage,
} from './plugin';
import { previewsPage } from './alpha';

const api = () =>
  new InMemoryPreviewsApi([
    InMemoryPreviewsApi.preview({ branch: 'feature/cart' }),
    InMemoryPreviewsApi.preview({
      branch: 'other',
      entityRef: 'component:default/orders-api',
    }),
  ]);

describe('legacy frontend system exports', () => {
  it('render the Previews tab', async () => {
    // A routable extension is rendered at a route, as in an app's routes.
    await renderWithPreviews(
      <Routes>
        <Route path="/" element={<EntityPreviewsContent />} />
      </Routes>,
      api(),
    );
    expect(
      await screen.findByTestId('preview-row-feature/cart'),
    ).toBeInTheDocument();
    expect(screen.queryByTestId('preview-row-other')).not.toBeInTheDocument();
  });

  it('render the overview card', async () => {
    await renderWithPreviews(<EntityPreviewsCard />, api());
    expect(await screen.findByTestId('previews-card-count')).toHaveTextContent(
      /^1$/,
    );
  });

  it('render the org-wide page, which lists other components too', async () => {
    await renderWithPreviews(
      <Routes>
        <Route path="/" element={<PreviewsPage />} />
      </Routes>,
      api(),
    );
    expect(await screen.findByText('All previews')).toBeInTheDocument();
    expect(await screen.findByTestId('preview-row-other')).toBeInTheDocument();
  });
});

describe('new frontend system (/alpha)', () => {
  it('renders the org-wide page at /previews', async () => {
    renderTestApp({
      extensions: [previewsPage],
      initialRouteEntries: ['/previews'],
      // The catalog's entity page, where entity refs link to.
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      apis: [
        [previewsApiRef, api()],
        [permissionApiRef, mockApis.permission()],
        [catalogApiRef, catalogApiMock()],
      ],
    });
    expect(await screen.findByText('All previews')).toBeInTheDocument();
    expect(
      await screen.findByTestId('preview-row-feature/cart'),
    ).toBeInTheDocument();
  });
});
