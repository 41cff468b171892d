import { screen, waitFor, within } from '@testing-library/react';
import { InMemoryPreviewsApi } from '../__testUtils__/InMemoryPreviewsApi';
import { setupUser } from '../__testUtils__/renderWithPreviews';
import { renderPreviewsTab } from '../__testUtils__/renderPreviewsTab';

describe('Create preview dialog', () => {
  it('creates a preview of an open pull request with one click and says where dependencies point', async () => {
    const user = setupUser();
    const api = new InMemoryPreviewsApi();
    api.branchItems.push({
      kind: 'pullRequest',
      branch: 'feature/cart',
      number: 42,
      title: 'New cart',
    });
    await renderPreviewsTab(api);
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
