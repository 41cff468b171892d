import { screen, waitFor, within } from '@testing-library/react';
import { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { InMemoryPreviewsApi } from '../__testUtils__/InMemoryPreviewsApi';
import {
  hoursFromNow,
  renderWithPreviews,
  setupUser,
  shopEntity,
} from '../__testUtils__/renderWithPreviews';
import { EntityPreviewsCard } from './EntityPreviewsCard';
import { PreviewsPage } from './PreviewsPage';

const preview = InMemoryPreviewsApi.preview;
const orders: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'orders-api' },
  spec: {
    type: 'service',
    owner: 'group:default/payments-team',
    lifecycle: 'experimental',
  },
};
const shop: Entity = {
  ...shopEntity,
  spec: { ...shopEntity.spec, owner: 'group:default/web-team' },
};

function orgApi() {
  const api = new InMemoryPreviewsApi([
    preview({
      branch: 'feature/cart',
      cost: { perHour: 0.1, currency: 'USD' },
      expiresAt: hoursFromNow(30),
    }),
    preview({
      branch: 'fix/login',
      status: 'failed',
      expiresAt: hoursFromNow(3),
    }),
    preview({
      id: 'orders-1',
      branch: 'feature/refunds',
      name: 'orders-api-refunds',
      entityRef: 'component:default/orders-api',
    }),
  ]);
  api.summary = {
    total: { ref: 'all', live: 3, costPerHour: 0.3, expiringSoon: 1 },
    byComponent: [],
    byOwner: [
      {
        ref: 'group:default/web-team',
        live: 2,
        costPerHour: 0.2,
        expiringSoon: 1,
      },
      {
        ref: 'group:default/payments-team',
        live: 1,
        costPerHour: 0.1,
        expiringSoon: 0,
      },
    ],
    currency: 'USD',
  };
  return api;
}

async function choose(
  user: ReturnType<typeof setupUser>,
  label: RegExp,
  option: string,
) {
  await user.click(screen.getByRole('combobox', { name: label }));
  await user.click(await screen.findByRole('option', { name: option }));
}

describe('PreviewsPage', () => {
  it('lists every live preview with totals and cost per owner, and filters them', async () => {
    const user = setupUser();
    const api = orgApi();
    await renderWithPreviews(<PreviewsPage />, api, {
      entities: [shop, orders],
    });

    await screen.findByTestId('preview-row-feature/refunds');
    expect(api.callsOf('listPreviews')[0]).toEqual([{}]);
    expect(screen.getByTestId('previews-total-live')).toHaveTextContent('3');
    expect(screen.getByTestId('previews-total-cost')).toHaveTextContent(
      '$0.30/h',
    );
    expect(screen.getByTestId('previews-total-expiring')).toHaveTextContent(
      '1',
    );
    expect(screen.getByTestId('previews-owner-web-team')).toHaveTextContent(
      'web-team2$0.20',
    );
    expect(
      within(screen.getByTestId('previews-owner-web-team')).getByRole('link', {
        name: 'web-team',
      }),
    ).toHaveAttribute('href', '/catalog/default/group/web-team');
    const component = within(
      screen.getByTestId('preview-row-feature/refunds'),
    ).getByTestId('preview-component');
    expect(component).toHaveTextContent('orders-api');
    expect(
      within(component).getByRole('link', { name: 'orders-api' }),
    ).toHaveAttribute('href', '/catalog/default/component/orders-api');

    await choose(user, /Owner/, 'payments-team');
    await waitFor(() =>
      expect(
        screen.queryByTestId('preview-row-feature/cart'),
      ).not.toBeInTheDocument(),
    );
    expect(
      screen.getByTestId('preview-row-feature/refunds'),
    ).toBeInTheDocument();

    await choose(user, /Owner/, 'Any');
    await choose(user, /Status/, 'failed');
    await waitFor(() =>
      expect(
        screen.queryByTestId('preview-row-feature/refunds'),
      ).not.toBeInTheDocument(),
    );
    expect(screen.getByTestId('preview-row-fix/login')).toBeInTheDocument();

    await choose(user, /Status/, 'Any');
    await user.click(screen.getByRole('checkbox', { name: 'Expiring soon' }));
    await waitFor(() =>
      expect(
        screen.queryByTestId('preview-row-feature/cart'),
      ).not.toBeInTheDocument(),
    );
    expect(screen.getByTestId('preview-row-fix/login')).toBeInTheDocument();

    await user.click(screen.getByRole('checkbox', { name: 'Expiring soon' }));
    await choose(user, /Component/, 'orders-api');
    await waitFor(() =>
      expect(
        screen.queryByTestId('preview-row-fix/login'),
      ).not.toBeInTheDocument(),
    );
  });

  it('lets admins destroy selected previews after confirming, and shows a refusal', async () => {
    const user = setupUser();
    const api = orgApi();
    await renderWithPreviews(<PreviewsPage />, api, {
      entities: [shop, orders],
    });
    const cart = await screen.findByTestId('preview-row-feature/cart');
    await user.click(
      await within(cart).findByRole('checkbox', {
        name: 'Select preview-feature-cart',
      }),
    );
    await user.click(
      within(screen.getByTestId('preview-row-feature/refunds')).getByRole(
        'checkbox',
        { name: 'Select orders-api-refunds' },
      ),
    );
    await user.click(
      screen.getByRole('button', { name: 'Destroy selected (2)' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Destroy 2 previews?',
    });
    expect(dialog).toHaveTextContent('preview-feature-cart');
    expect(dialog).toHaveTextContent('orders-api-refunds');
    expect(dialog).not.toHaveTextContent('preview-fix-login');

    api.failures.bulkDestroyPreviews = new InputError(
      'At most 50 previews at once',
    );
    await user.click(
      within(dialog).getByRole('button', { name: 'Destroy 2 previews' }),
    );
    expect(
      await within(dialog).findByTestId('confirm-action-error'),
    ).toHaveTextContent('At most 50 previews at once');

    delete api.failures.bulkDestroyPreviews;
    await user.click(
      within(dialog).getByRole('button', { name: 'Destroy 2 previews' }),
    );
    await waitFor(() =>
      expect(within(cart).getByTestId('preview-status')).toHaveTextContent(
        /^destroying$/,
      ),
    );
    expect(api.callsOf('bulkDestroyPreviews').at(-1)?.[0]).toEqual(
      expect.arrayContaining(['id-feature/cart', 'orders-1']),
    );
    expect(api.callsOf('bulkDestroyPreviews').at(-1)?.[0]).toHaveLength(2);
    expect(
      within(screen.getByTestId('preview-row-fix/login')).getByTestId(
        'preview-status',
      ),
    ).toHaveTextContent(/^failed$/);
  });

  it('offers no bulk destroy to users who are not admins', async () => {
    const api = orgApi();
    await renderWithPreviews(<PreviewsPage />, api, {
      entities: [shop, orders],
      allowed: name => name !== 'previews.admin',
    });
    const cart = await screen.findByTestId('preview-row-feature/cart');
    await waitFor(() =>
      expect(within(cart).getByRole('button', { name: 'Keep' })).toBeEnabled(),
    );
    expect(within(cart).queryByRole('checkbox')).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: /Destroy selected/ }),
    ).not.toBeInTheDocument();
  });

  it('still lists the previews when the totals cannot be loaded', async () => {
    const api = orgApi();
    api.failures.getSummary = new InputError('summary is not configured');
    await renderWithPreviews(<PreviewsPage />, api, {
      entities: [shop, orders],
    });
    await screen.findByTestId('preview-row-feature/cart');
    expect(
      await screen.findByTestId('previews-summary-error'),
    ).toHaveTextContent('Could not load the totals: summary is not configured');
  });
});

describe('EntityPreviewsCard', () => {
  it('counts the live previews of the entity and lists the most recent', async () => {
    const minutesAgo = (m: number) =>
      new Date(Date.now() - m * 60_000).toISOString();
    const api = new InMemoryPreviewsApi([
      preview({
        branch: 'a',
        createdAt: minutesAgo(1),
        url: 'http://a.previews.example.com',
      }),
      preview({
        branch: 'b',
        createdAt: minutesAgo(2),
        status: 'provisioning',
      }),
      preview({ branch: 'c', createdAt: minutesAgo(3) }),
      preview({ branch: 'd', createdAt: minutesAgo(4) }),
      preview({ branch: 'other', entityRef: 'component:default/orders-api' }),
    ]);
    await renderWithPreviews(
      <EntityPreviewsCard limit={3} pollIntervalMs={50} />,
      api,
    );
    expect(await screen.findByTestId('previews-card-count')).toHaveTextContent(
      /^4$/,
    );
    expect(screen.getByTestId('previews-card-item-a')).toHaveTextContent(
      'a.previews.example.com',
    );
    expect(screen.getByTestId('previews-card-item-b')).toHaveTextContent(
      'provisioning',
    );
    expect(screen.getByTestId('previews-card-item-c')).toBeInTheDocument();
    expect(
      screen.queryByTestId('previews-card-item-d'),
    ).not.toBeInTheDocument();

    // It follows changes like the tab does.
    api.update('id-b', { status: 'ready' });
    await waitFor(() =>
      expect(screen.getByTestId('previews-card-item-b')).toHaveTextContent(
        'ready',
      ),
    );
  });

  it('points to the Previews tab when there are none', async () => {
    await renderWithPreviews(<EntityPreviewsCard />, new InMemoryPreviewsApi());
    expect(await screen.findByTestId('previews-card-count')).toHaveTextContent(
      /^0$/,
    );
    expect(
      screen.getByRole('link', { name: 'Previews tab' }),
    ).toBeInTheDocument();
  });
});
