import { screen, waitFor, within } from '@testing-library/react';
import { InputError } from '@backstage/errors';
import { InMemoryPreviewsApi } from '../testUtils/InMemoryPreviewsApi';
import {
  hoursFromNow,
  renderWithPreviews,
  setupUser,
  Allowed,
} from '../__testUtils__/renderWithPreviews';
import { EntityPreviewsContent } from './EntityPreviewsContent';

const preview = InMemoryPreviewsApi.preview;

async function renderTab(api: InMemoryPreviewsApi, allowed?: Allowed) {
  await renderWithPreviews(<EntityPreviewsContent pollIntervalMs={50} />, api, {
    allowed,
  });
}

describe('Previews tab rows', () => {
  it('shows pull request, URL with copy, seed, expiry, engine with its Argo CD link, cost and creator', async () => {
    const user = setupUser();
    const writeText = jest.fn().mockResolvedValue(undefined);
    Object.defineProperty(window.navigator, 'clipboard', {
      value: { writeText },
      configurable: true,
    });
    const api = new InMemoryPreviewsApi([
      preview({
        branch: 'feature/cart',
        engine: 'argocd',
        engineTitle: 'Argo CD',
        url: 'https://cart.previews.example.com',
        pullRequest: {
          number: 42,
          title: 'New cart',
          url: 'https://github.com/o/shop/pull/42',
        },
        links: [
          {
            title: 'Argo CD',
            url: 'https://argocd.example.com/applications/shop-cart',
          },
        ],
        seed: { phase: 'ready', version: 'v7' },
        expiresAt: hoursFromNow(5.5),
        cost: { perHour: 0.125, currency: 'USD' },
        createdBy: 'user:default/ana',
      }),
      preview({ branch: 'pinned', keep: true }),
    ]);
    await renderTab(api);
    const row = await screen.findByTestId('preview-row-feature/cart');

    expect(
      within(row).getByRole('link', { name: /^#42 New cart/ }),
    ).toHaveAttribute('href', 'https://github.com/o/shop/pull/42');
    expect(within(row).getByTestId('preview-seed')).toHaveTextContent(
      /^ready$/,
    );
    expect(within(row).getByTestId('preview-expiry')).toHaveTextContent(
      'expires in 5 h',
    );
    expect(within(row).getByTestId('preview-engine')).toHaveTextContent(
      'Argo CD',
    );
    expect(within(row).getByRole('link', { name: /^Argo CD/ })).toHaveAttribute(
      'href',
      'https://argocd.example.com/applications/shop-cart',
    );
    expect(within(row).getByTestId('preview-cost')).toHaveTextContent(
      '$0.13/h',
    );
    expect(within(row).getByTestId('preview-created-by')).toHaveTextContent(
      'by ana',
    );

    await user.click(
      within(row).getByRole('button', {
        name: 'Copy the URL of preview-feature-cart',
      }),
    );
    expect(writeText).toHaveBeenCalledWith('https://cart.previews.example.com');

    const pinned = screen.getByTestId('preview-row-pinned');
    expect(within(pinned).getByTestId('preview-kept')).toHaveTextContent(
      'kept',
    );
    expect(
      within(pinned).getByRole('button', { name: 'Stop keeping' }),
    ).toHaveAttribute('aria-pressed', 'true');
  });

  it('shows a failed seed step and its log tail in a popover', async () => {
    const user = setupUser();
    const api = new InMemoryPreviewsApi([
      preview({
        branch: 'feature/db',
        seed: {
          phase: 'failed',
          failedStep: 'migrating',
          logTail: [
            'Running migration 0042_add_cart',
            'ERROR: column "total" does not exist',
          ],
        },
      }),
    ]);
    await renderTab(api);
    const row = await screen.findByTestId('preview-row-feature/db');
    const chip = within(row).getByRole('button', {
      name: 'Database migrating failed: show the log',
    });
    await user.click(chip);
    const log = await screen.findByTestId('preview-seed-log');
    expect(log).toHaveTextContent('Migration failed');
    expect(log).toHaveTextContent('ERROR: column "total" does not exist');
  });

  it('disables every action the user may not take, saying why', async () => {
    const user = setupUser();
    const api = new InMemoryPreviewsApi([
      preview({
        branch: 'feature/cart',
        expiresAt: hoursFromNow(3),
        seed: { phase: 'ready' },
      }),
    ]);
    await renderTab(api, name => name === 'previews.preview.read');
    const row = await screen.findByTestId('preview-row-feature/cart');
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: 'Create preview' }),
      ).toBeDisabled(),
    );
    for (const name of [
      'Extend',
      'Keep',
      'Redeploy',
      'Reseed',
      'Sleep',
      'Destroy',
    ]) {
      expect(within(row).getByRole('button', { name })).toBeDisabled();
    }
    await user.hover(
      within(row).getByTestId('preview-action-extend').parentElement!,
    );
    expect(
      await screen.findByRole('tooltip', {
        name: 'Extend: You are not allowed to update previews of this component',
      }),
    ).toBeInTheDocument();
  });

  it('offers only what the state allows: a provisioning preview without a database cannot sleep or reseed', async () => {
    const api = new InMemoryPreviewsApi([
      preview({
        branch: 'feature/new',
        status: 'provisioning',
        statusMessage: 'rolling out: 1 of 2 pods ready',
        expiresAt: hoursFromNow(8),
      }),
    ]);
    await renderTab(api);
    const row = await screen.findByTestId('preview-row-feature/new');
    // Its progress is shown next to the spinning chip.
    expect(within(row).getByTestId('preview-status-message')).toHaveTextContent(
      'rolling out: 1 of 2 pods ready',
    );
    await waitFor(() =>
      expect(within(row).getByRole('button', { name: 'Keep' })).toBeEnabled(),
    );
    expect(within(row).getByRole('button', { name: 'Sleep' })).toBeDisabled();
    expect(within(row).getByRole('button', { name: 'Reseed' })).toBeDisabled();
    expect(within(row).getByRole('button', { name: 'Extend' })).toBeEnabled();
    expect(within(row).getByRole('button', { name: 'Destroy' })).toBeEnabled();
  });
});

describe('Previews tab keyboard use', () => {
  it('reaches the row actions with Tab and opens them with Enter', async () => {
    const user = setupUser();
    const api = new InMemoryPreviewsApi([
      preview({
        branch: 'feature/cart',
        expiresAt: hoursFromNow(3),
        maxExpiresAt: hoursFromNow(20),
      }),
    ]);
    await renderTab(api);
    const row = await screen.findByTestId('preview-row-feature/cart');
    const extend = within(row).getByRole('button', { name: 'Extend' });
    await waitFor(() => expect(extend).toBeEnabled());

    // From the details toggle, Tab moves through the row's controls to Extend.
    within(row)
      .getByRole('button', { name: 'Show details of preview-feature-cart' })
      .focus();
    let tabs = 0;
    while (document.activeElement !== extend && tabs < 10) {
      await user.tab();
      tabs += 1;
    }
    expect(document.activeElement).toBe(extend);
    await user.keyboard('{Enter}');
    expect(
      await screen.findByRole('dialog', { name: 'Extend preview' }),
    ).toBeInTheDocument();
  });
});

describe('Previews tab actions', () => {
  it('extends by the chosen hours up to the maximum and shows a refusal', async () => {
    const user = setupUser();
    const api = new InMemoryPreviewsApi([
      preview({
        branch: 'feature/cart',
        expiresAt: hoursFromNow(2),
        maxExpiresAt: hoursFromNow(10.5),
      }),
    ]);
    await renderTab(api);
    const row = await screen.findByTestId('preview-row-feature/cart');
    await waitFor(() =>
      expect(within(row).getByRole('button', { name: 'Extend' })).toBeEnabled(),
    );
    await user.click(within(row).getByRole('button', { name: 'Extend' }));
    const dialog = await screen.findByRole('dialog', {
      name: 'Extend preview',
    });
    const hours = within(dialog).getByRole('spinbutton', {
      name: 'Hours to add',
    });
    expect(within(dialog).getByText('1 to 8 hours')).toBeInTheDocument();

    // Beyond the maximum the button stays disabled.
    await user.clear(hours);
    await user.type(hours, '9');
    expect(
      within(dialog).getByRole('button', { name: 'Extend' }),
    ).toBeDisabled();

    // A refusal of the backend is shown and the dialog stays open.
    api.failures.extendPreview = new InputError(
      'Extending needs an approved pull request',
    );
    await user.clear(hours);
    await user.type(hours, '6');
    await user.click(within(dialog).getByRole('button', { name: 'Extend' }));
    expect(
      await within(dialog).findByText(
        'Extending needs an approved pull request',
      ),
    ).toBeInTheDocument();

    delete api.failures.extendPreview;
    await user.click(within(dialog).getByRole('button', { name: 'Extend' }));
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(api.callsOf('extendPreview')).toEqual([
      ['id-feature/cart', 6],
      ['id-feature/cart', 6],
    ]);
    await waitFor(() =>
      expect(within(row).getByTestId('preview-expiry')).toHaveTextContent(
        'expires in 7 h',
      ),
    );
  });

  it('keeps, sleeps, wakes and redeploys at once and shows a failed action', async () => {
    const user = setupUser();
    const api = new InMemoryPreviewsApi([
      preview({ branch: 'feature/cart', expiresAt: hoursFromNow(3) }),
    ]);
    await renderTab(api);
    const row = await screen.findByTestId('preview-row-feature/cart');
    await waitFor(() =>
      expect(within(row).getByRole('button', { name: 'Keep' })).toBeEnabled(),
    );

    await user.click(within(row).getByRole('button', { name: 'Keep' }));
    await within(row).findByTestId('preview-kept');
    expect(api.callsOf('keepPreview')).toEqual([['id-feature/cart', true]]);

    await user.click(within(row).getByRole('button', { name: 'Sleep' }));
    await waitFor(() =>
      expect(within(row).getByTestId('preview-status')).toHaveTextContent(
        /^sleeping$/,
      ),
    );
    expect(
      within(row).getByRole('button', { name: 'Redeploy' }),
    ).toBeDisabled();

    await user.click(within(row).getByRole('button', { name: 'Wake' }));
    await waitFor(() =>
      expect(within(row).getByTestId('preview-status')).toHaveTextContent(
        /^provisioning$/,
      ),
    );

    api.update('id-feature/cart', { status: 'ready' });
    api.failures.redeployPreview = new InputError(
      'The image of branch feature/cart is not built yet',
    );
    await waitFor(() =>
      expect(
        within(row).getByRole('button', { name: 'Redeploy' }),
      ).toBeEnabled(),
    );
    await user.click(within(row).getByRole('button', { name: 'Redeploy' }));
    expect(await screen.findByTestId('preview-action-error')).toHaveTextContent(
      'Could not redeploy preview-feature-cart: The image of branch feature/cart is not built yet',
    );
  });

  it('reseeds only after confirmation', async () => {
    const user = setupUser();
    const api = new InMemoryPreviewsApi([
      preview({
        branch: 'feature/db',
        seed: { phase: 'ready', version: 'v7' },
      }),
    ]);
    await renderTab(api);
    const row = await screen.findByTestId('preview-row-feature/db');
    await waitFor(() =>
      expect(within(row).getByRole('button', { name: 'Reseed' })).toBeEnabled(),
    );
    await user.click(within(row).getByRole('button', { name: 'Reseed' }));
    const dialog = await screen.findByRole('dialog', {
      name: 'Reseed database?',
    });
    expect(dialog).toHaveTextContent('from seed v7');
    expect(api.callsOf('reseedPreview')).toHaveLength(0);
    await user.click(within(dialog).getByRole('button', { name: 'Reseed' }));
    await waitFor(() =>
      expect(within(row).getByTestId('preview-seed')).toHaveTextContent(
        /^pending$/,
      ),
    );
    expect(api.callsOf('reseedPreview')).toEqual([['id-feature/db']]);
  });

  it('shows the error of a refused destroy in the dialog', async () => {
    const user = setupUser();
    const api = new InMemoryPreviewsApi([preview({ branch: 'feature/cart' })]);
    api.failures.destroyPreview = new InputError(
      'Preview is protected by a hold',
    );
    await renderTab(api);
    const row = await screen.findByTestId('preview-row-feature/cart');
    await waitFor(() =>
      expect(
        within(row).getByRole('button', { name: 'Destroy' }),
      ).toBeEnabled(),
    );
    await user.click(within(row).getByRole('button', { name: 'Destroy' }));
    const dialog = await screen.findByRole('dialog');
    await user.type(
      within(dialog).getByRole('textbox', { name: /Type the preview name/ }),
      'preview-feature-cart',
    );
    await user.click(
      within(dialog).getByRole('button', { name: 'Destroy preview' }),
    );
    expect(
      await within(dialog).findByTestId('destroy-preview-error'),
    ).toHaveTextContent('Preview is protected by a hold');
  });

  it('creates a preview of an open pull request with one click and says where dependencies point', async () => {
    const user = setupUser();
    const api = new InMemoryPreviewsApi();
    api.branchItems.push({
      kind: 'pullRequest',
      branch: 'feature/cart',
      number: 42,
      title: 'New cart',
    });
    await renderTab(api);
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: 'Create preview' }),
      ).toBeEnabled(),
    );
    await user.click(screen.getByRole('button', { name: 'Create preview' }));
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByTestId('create-preview-summary'),
    ).toHaveTextContent(
      'Dependencies: orders-api point to their preview of the same branch when one exists, otherwise to staging',
    );
    await user.click(
      await within(dialog).findByRole('button', {
        name: 'Create a preview of pull request #42 New cart',
      }),
    );
    await screen.findByTestId('preview-row-feature/cart');
    expect(api.callsOf('createPreview')).toEqual([
      [{ entityRef: 'component:default/shop', pullRequest: 42 }],
    ]);
  });
});

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
    await renderTab(api);
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
    await renderTab(api);
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
    await renderTab(api);
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
    await renderTab(api);
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
