import { screen, waitFor, within } from '@testing-library/react';
import { InMemoryPreviewsApi } from '../../__testUtils__/InMemoryPreviewsApi';
import {
  hoursFromNow,
  setupUser,
} from '../../__testUtils__/renderWithPreviews';
import { renderPreviewsTab } from '../../__testUtils__/renderPreviewsTab';
import { mockCopyCommand } from '../../__testUtils__/copyCommand';

const preview = InMemoryPreviewsApi.preview;

describe('Previews tab rows', () => {
  it('shows pull request, URL with copy, seed, expiry, engine with its Argo CD link, cost and creator', async () => {
    const user = setupUser();
    const clipboard = mockCopyCommand();
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
    await renderPreviewsTab(api);
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
    const createdBy = within(row).getByTestId('preview-created-by');
    expect(createdBy).toHaveTextContent('by ana');
    expect(
      within(createdBy).getByRole('link', { name: 'ana' }),
    ).toHaveAttribute('href', '/catalog/default/user/ana');

    try {
      await user.click(
        within(row).getByRole('button', {
          name: 'Copy the URL of preview-feature-cart',
        }),
      );
      expect(clipboard.copied).toEqual(['https://cart.previews.example.com']);
    } finally {
      clipboard.restore();
    }

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
    await renderPreviewsTab(api);
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
    await renderPreviewsTab(api, name => name === 'previews.preview.read');
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
    await renderPreviewsTab(api);
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
    await renderPreviewsTab(api);
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
