import { screen, waitFor, within } from '@testing-library/react';
import { InMemoryPreviewsApi } from '../__testUtils__/InMemoryPreviewsApi';
import { mockCopyCommand } from '../__testUtils__/copyCommand';
import {
  renderWithPreviews,
  setupUser,
} from '../__testUtils__/renderWithPreviews';
import { PreviewAccessPanel } from './PreviewAccessPanel';
import { UrlCell } from './PreviewsTable/UrlCell';

const preview = InMemoryPreviewsApi.preview({
  branch: 'feature/x',
  url: 'http://shop-feature-x.previews.localhost/',
});

describe('PreviewAccessPanel', () => {
  it('creates a share link, shows its URL once to copy, lists it with its creator and revokes it', async () => {
    const api = new InMemoryPreviewsApi([preview]);
    const user = setupUser();
    await renderWithPreviews(
      <PreviewAccessPanel preview={preview} canUpdate />,
      api,
    );
    expect(await screen.findByText('No share links.')).toBeInTheDocument();

    await user.clear(screen.getByLabelText('Share link hours'));
    await user.type(screen.getByLabelText('Share link hours'), '2');
    await user.type(screen.getByLabelText('For whom'), 'agency');
    await user.click(screen.getByRole('button', { name: 'Create share link' }));
    expect(api.callsOf('createShareLink')).toEqual([
      [preview.id, { hours: 2, note: 'agency' }],
    ]);
    const secret = await screen.findByTestId('preview-access-secret');
    expect(secret).toHaveTextContent(/previews_token=s/);
    expect(secret).toHaveTextContent('it is not shown again');
    const clipboard = mockCopyCommand();
    try {
      await user.click(
        within(secret).getByRole('button', { name: 'Copy the share link' }),
      );
      expect(clipboard.copied).toEqual([
        within(secret).getByText(/previews_token=s/).textContent,
      ]);
    } finally {
      clipboard.restore();
    }
    const row = await screen.findByTestId('preview-share-link');
    expect(row).toHaveTextContent('agency · by guest · until');
    expect(within(row).getByRole('link', { name: 'guest' })).toHaveAttribute(
      'href',
      '/catalog/default/user/guest',
    );

    await user.click(within(row).getByRole('button', { name: 'Revoke' }));
    expect(api.callsOf('revokeShareLink')).toEqual([
      [preview.id, api.shareLinks[preview.id][0].id],
    ]);
    await waitFor(() =>
      expect(screen.getByTestId('preview-share-link')).toHaveTextContent(
        /revoked/,
      ),
    );
    expect(
      within(screen.getByTestId('preview-share-link')).queryByRole('button', {
        name: 'Revoke',
      }),
    ).toBeNull();
  });

  it('rotates the bypass token and shows it with its header', async () => {
    const api = new InMemoryPreviewsApi([preview]);
    const user = setupUser();
    await renderWithPreviews(
      <PreviewAccessPanel preview={preview} canUpdate />,
      api,
    );
    await user.click(
      await screen.findByRole('button', { name: 'Rotate bypass token' }),
    );
    expect(
      await screen.findByTestId('preview-access-secret'),
    ).toHaveTextContent(/x-previews-bypass header.*pbt_/);
  });

  it('refuses hours out of range before asking, and everything without update permission', async () => {
    const api = new InMemoryPreviewsApi([preview]);
    const user = setupUser();
    const view = await renderWithPreviews(
      <PreviewAccessPanel preview={preview} canUpdate />,
      api,
    );
    await user.clear(screen.getByLabelText('Share link hours'));
    await user.type(screen.getByLabelText('Share link hours'), '200');
    expect(screen.getByText('More than 0, at most 168')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Create share link' }),
    ).toBeDisabled();
    view.unmount();

    await renderWithPreviews(
      <PreviewAccessPanel preview={preview} canUpdate={false} />,
      api,
    );
    expect(
      await screen.findByRole('button', { name: 'Create share link' }),
    ).toBeDisabled();
    expect(
      screen.getByRole('button', { name: 'Rotate bypass token' }),
    ).toBeDisabled();
    expect(api.callsOf('createShareLink')).toEqual([]);
  });
});

describe('UrlCell', () => {
  /** Clicks the URL with window.open answering a fake tab; the tab is what the click did to it. */
  async function clickUrl(api: InMemoryPreviewsApi) {
    const user = setupUser();
    const tab = {
      opener: {} as unknown,
      location: { href: '' },
      close: jest.fn(),
    };
    const open = jest
      .spyOn(window, 'open')
      .mockReturnValue(tab as unknown as Window);
    try {
      await renderWithPreviews(
        <table>
          <tbody>
            <tr>
              <UrlCell preview={preview} showComponent={false} />
            </tr>
          </tbody>
        </table>,
        api,
      );
      await user.click(screen.getByTestId('preview-url'));
      await waitFor(() =>
        expect(
          tab.location.href !== '' || tab.close.mock.calls.length > 0,
        ).toBe(true),
      );
      return tab;
    } finally {
      open.mockRestore();
    }
  }

  it("opens the preview through Open: a new tab goes to the URL with Open's token", async () => {
    const api = new InMemoryPreviewsApi([preview]);
    const tab = await clickUrl(api);
    expect(tab.location.href).toMatch(
      /^http:\/\/shop-feature-x\.previews\.localhost\/\?previews_token=t/,
    );
    expect(tab.opener).toBeNull();
    expect(api.callsOf('openPreview')).toEqual([[preview.id]]);
  });

  it('closes the tab and says why when Open is refused', async () => {
    const api = new InMemoryPreviewsApi([preview]);
    api.failures.openPreview = Object.assign(
      new Error(
        'You are not allowed to read previews of component:default/shop',
      ),
      { name: 'NotAllowedError' },
    );
    const tab = await clickUrl(api);
    expect(tab.close).toHaveBeenCalled();
    expect(tab.location.href).toBe('');
  });
});
