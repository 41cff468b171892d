import { screen, waitFor, within } from '@testing-library/react';
import { InputError } from '@backstage/errors';
import { InMemoryPreviewsApi } from '../__testUtils__/InMemoryPreviewsApi';
import { hoursFromNow, setupUser } from '../__testUtils__/renderWithPreviews';
import { renderPreviewsTab } from '../__testUtils__/renderPreviewsTab';

const preview = InMemoryPreviewsApi.preview;

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
    await renderPreviewsTab(api);
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
    await renderPreviewsTab(api);
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
    await renderPreviewsTab(api);
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
    await renderPreviewsTab(api);
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
});
