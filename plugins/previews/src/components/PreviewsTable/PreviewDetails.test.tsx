import { screen, waitFor, within } from '@testing-library/react';
import { InputError } from '@backstage/errors';
import { InMemoryPreviewsApi } from '../../__testUtils__/InMemoryPreviewsApi';
import { setupUser } from '../../__testUtils__/renderWithPreviews';
import { renderPreviewsTab } from '../../__testUtils__/renderPreviewsTab';

const preview = InMemoryPreviewsApi.preview;

describe('Previews tab details', () => {
  const orders = 'component:default/orders-api';

  function wiredApi() {
    const api = new InMemoryPreviewsApi([
      preview({
        branch: 'feature/cart',
        dependencies: [
          {
            entityRef: orders,
            env: 'ORDERS_API_URL',
            target: 'staging',
            url: 'https://orders.staging.example.com',
          },
          {
            entityRef: 'component:default/payments',
            env: 'PAYMENTS_URL',
            target: 'unresolved',
            message:
              'payments has no staging URL: set backstage-previews.io/staging-url',
          },
        ],
      }),
      preview({
        id: 'orders-pr-42',
        branch: 'pr-42',
        name: 'orders-api-pr-42',
        entityRef: orders,
        pullRequest: { number: 42 },
      }),
    ]);
    api.stagingUrls[orders] = 'https://orders.staging.example.com';
    api.events['id-feature/cart'] = [
      {
        at: '2025-01-10T10:00:00Z',
        type: 'created',
        actor: 'user:default/ana',
        message: 'Created from the portal',
      },
      {
        at: '2025-01-10T10:02:00Z',
        type: 'status',
        actor: 'system',
        message: 'ready',
      },
    ];
    return api;
  }

  it('pictures the dependencies, reroutes one to a preview and shows the rollout', async () => {
    const user = setupUser();
    const api = wiredApi();
    await renderPreviewsTab(api);
    const row = await screen.findByTestId('preview-row-feature/cart');
    expect(
      within(row).getByTestId('preview-dependency-summary'),
    ).toHaveTextContent('→ orders-api (staging), → payments (unresolved)');
    await user.click(
      within(row).getByRole('button', {
        name: 'Show details of preview-feature-cart',
      }),
    );
    const details = await screen.findByTestId('preview-details');
    const ordersLine = within(details).getByTestId('dependency-orders-api');
    expect(
      within(ordersLine).getByTestId('dependency-target'),
    ).toHaveTextContent('orders-api (staging)');
    // Both ends of the wire link to their entity pages.
    expect(
      within(ordersLine).getByRole('link', { name: 'orders-api' }),
    ).toHaveAttribute('href', '/catalog/default/component/orders-api');
    expect(
      within(ordersLine).getByRole('link', { name: 'shop' }),
    ).toHaveAttribute('href', '/catalog/default/component/shop');
    const payments = within(details).getByTestId('dependency-payments');
    expect(within(payments).getByTestId('dependency-target')).toHaveTextContent(
      'payments (unresolved)',
    );
    expect(
      within(payments).getByTestId('dependency-message'),
    ).toHaveTextContent(
      'payments has no staging URL: set backstage-previews.io/staging-url',
    );

    const select = within(ordersLine).getByRole('combobox', {
      name: /^Target of orders-api/,
    });
    await waitFor(() => expect(select).not.toHaveAttribute('aria-disabled'));
    await user.click(select);
    const option = await screen.findByRole('option', {
      name: 'preview orders-api-pr-42 (pr-42 #42, ready)',
    });
    expect(
      screen.getByRole('option', {
        name: 'staging (https://orders.staging.example.com)',
      }),
    ).toBeInTheDocument();
    await user.click(option);

    await waitFor(() =>
      expect(
        within(ordersLine).getByTestId('dependency-target'),
      ).toHaveTextContent('orders-api (preview orders-api-pr-42)'),
    );
    expect(within(row).getByTestId('preview-status')).toHaveTextContent(
      /^provisioning$/,
    );
    expect(api.callsOf('rerouteDependency')).toEqual([
      [
        'id-feature/cart',
        orders,
        { target: 'preview', previewId: 'orders-pr-42' },
      ],
    ]);
  });

  it('shows a refused reroute next to its dropdown', async () => {
    const user = setupUser();
    const api = wiredApi();
    api.failures.rerouteDependency = new InputError(
      'orders-api-pr-42 is being destroyed',
    );
    await renderPreviewsTab(api);
    const row = await screen.findByTestId('preview-row-feature/cart');
    await user.click(
      within(row).getByRole('button', {
        name: 'Show details of preview-feature-cart',
      }),
    );
    const ordersLine = within(
      await screen.findByTestId('preview-details'),
    ).getByTestId('dependency-orders-api');
    const select = within(ordersLine).getByRole('combobox', {
      name: /^Target of orders-api/,
    });
    await waitFor(() => expect(select).not.toHaveAttribute('aria-disabled'));
    await user.click(select);
    await user.click(
      await screen.findByRole('option', { name: /preview orders-api-pr-42/ }),
    );
    expect(
      await within(ordersLine).findByTestId('dependency-error'),
    ).toHaveTextContent(
      'Could not reroute orders-api: orders-api-pr-42 is being destroyed',
    );
    expect(
      within(ordersLine).getByTestId('dependency-target'),
    ).toHaveTextContent('orders-api (staging)');
  });

  it('destroys the whole group of a branch after confirming', async () => {
    const user = setupUser();
    const api = wiredApi();
    api.update('id-feature/cart', { group: 'feature/cart' });
    api.update('orders-pr-42', { group: 'feature/cart' });
    await renderPreviewsTab(api);
    const row = await screen.findByTestId('preview-row-feature/cart');
    await user.click(
      within(row).getByRole('button', {
        name: 'Show details of preview-feature-cart',
      }),
    );
    const details = await screen.findByTestId('preview-details');
    expect(within(details).getByTestId('preview-group')).toHaveTextContent(
      'Group feature/cart',
    );
    const button = within(details).getByRole('button', {
      name: 'Destroy group',
    });
    await waitFor(() => expect(button).toBeEnabled());
    await user.click(button);
    const dialog = await screen.findByRole('dialog', {
      name: 'Destroy group?',
    });
    expect(api.callsOf('destroyGroup')).toHaveLength(0);
    await user.click(
      within(dialog).getByRole('button', { name: 'Destroy group' }),
    );
    await waitFor(() =>
      expect(within(row).getByTestId('preview-status')).toHaveTextContent(
        /^destroying$/,
      ),
    );
    expect(api.callsOf('destroyGroup')).toEqual([['feature/cart']]);
  });

  it('shows the history newest first, and says so when it cannot be loaded', async () => {
    const user = setupUser();
    const api = wiredApi();
    await renderPreviewsTab(api);
    const row = await screen.findByTestId('preview-row-feature/cart');
    await user.click(
      within(row).getByRole('button', {
        name: 'Show details of preview-feature-cart',
      }),
    );
    const events = await screen.findByTestId('preview-events');
    const items = within(events).getAllByRole('listitem');
    expect(items.map(i => i.textContent)).toEqual([
      expect.stringMatching(/^ready.*system$/),
      expect.stringMatching(/^Created from the portal.*ana$/),
    ]);
    // A user links to its entity page; the system is no entity.
    expect(within(items[1]).getByRole('link', { name: 'ana' })).toHaveAttribute(
      'href',
      '/catalog/default/user/ana',
    );
    expect(within(items[0]).queryByRole('link')).toBeNull();

    api.failures.listPreviewEvents = new InputError('history is not available');
    await user.click(
      within(row).getByRole('button', {
        name: 'Hide details of preview-feature-cart',
      }),
    );
    await waitFor(() =>
      expect(screen.queryByTestId('preview-details')).not.toBeInTheDocument(),
    );
    await user.click(
      within(row).getByRole('button', {
        name: 'Show details of preview-feature-cart',
      }),
    );
    expect(await screen.findByTestId('preview-events-error')).toHaveTextContent(
      'Could not load the history: history is not available',
    );
  });
});
