import { SWRConfig } from 'swr';
import { ResponseError } from '@backstage/errors';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { SignalApi, signalApiRef } from '@backstage/plugin-signals-react';
import { JsonObject } from '@backstage/types';
import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { previewsApiRef } from '../api';
import { InMemoryPreviewsApi } from '../__testUtils__/InMemoryPreviewsApi';
import { EntityPreviewsContent } from './EntityPreviewsContent';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'shop',
    annotations: { 'backstage-previews.io/enabled': 'true' },
  },
  spec: { type: 'website', owner: 'team-a', lifecycle: 'experimental' },
};

const minutesAgo = (minutes: number) =>
  new Date(Date.now() - minutes * 60_000).toISOString();

/**
 * user-event wrapped in act(): the declared @testing-library/react 14 brings
 * its own @testing-library/dom, so user-event's copy is not set up to do it.
 */
function setupUser() {
  const user = userEvent.setup();
  return {
    click: (element: Element) => act(() => user.click(element)),
    type: (element: Element, text: string) =>
      act(() => user.type(element, text)),
    clear: (element: Element) => act(() => user.clear(element)),
  };
}

/** A signal API whose messages the test sends. */
class TestSignals implements SignalApi {
  private readonly subscribers = new Map<
    string,
    Set<(m: JsonObject) => void>
  >();
  subscribe<T extends JsonObject>(
    channel: string,
    onMessage: (message: T) => void,
  ) {
    const set = this.subscribers.get(channel) ?? new Set();
    set.add(onMessage as (m: JsonObject) => void);
    this.subscribers.set(channel, set);
    return {
      unsubscribe: () => set.delete(onMessage as (m: JsonObject) => void),
    };
  }
  send(channel: string, message: JsonObject) {
    act(() => this.subscribers.get(channel)?.forEach(s => s(message)));
  }
  count(channel: string) {
    return this.subscribers.get(channel)?.size ?? 0;
  }
}

async function renderContent(
  api: InMemoryPreviewsApi,
  pollIntervalMs = 50,
  options: {
    idlePollIntervalMs?: number;
    signals?: TestSignals;
    entity?: Entity;
    path?: string;
  } = {},
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [previewsApiRef, api],
        [permissionApiRef, mockApis.permission()],
        ...(options.signals ? [[signalApiRef, options.signals] as const] : []),
      ]}
    >
      {/* a cache of its own: no list of another test shows first */}
      <SWRConfig value={{ provider: () => new Map() }}>
        <EntityProvider entity={options.entity ?? entity}>
          <EntityPreviewsContent
            pollIntervalMs={pollIntervalMs}
            idlePollIntervalMs={options.idlePollIntervalMs}
          />
        </EntityProvider>
      </SWRConfig>
    </TestApiProvider>,
    options.path ? { routeEntries: [options.path] } : undefined,
  );
}

describe('EntityPreviewsContent', () => {
  /** The Kubernetes tab link in a row's details, for a component with these annotations. */
  const kubernetesTabLink = async (annotations: Record<string, string>) => {
    const api = new InMemoryPreviewsApi([
      InMemoryPreviewsApi.preview({
        branch: 'feature/cart',
        namespace: 'shop-feature-cart-1a2b3c4d',
      }),
    ]);
    const user = setupUser();
    const withAnnotations = {
      ...entity,
      metadata: {
        ...entity.metadata,
        annotations: { ...entity.metadata.annotations, ...annotations },
      },
    };
    await renderContent(api, 50, {
      entity: withAnnotations,
      path: '/catalog/default/component/shop/previews',
    });
    const row = await screen.findByTestId('preview-row-feature/cart');
    await user.click(
      within(row).getByRole('button', { name: /^Show details of / }),
    );
    return screen.queryByRole('link', { name: /Kubernetes tab/ });
  };

  it('links a row to the Kubernetes tab of a component that has one', async () => {
    const link = await kubernetesTabLink({
      'backstage.io/kubernetes-id': 'shop',
    });
    expect(link).toHaveAttribute(
      'href',
      '/catalog/default/component/shop/kubernetes',
    );
    expect(link).toHaveTextContent(
      'Kubernetes tab (shop-feature-cart-1a2b3c4d)',
    );
  });

  it('has no such link when the component has no Kubernetes tab', async () => {
    expect(await kubernetesTabLink({})).not.toBeInTheDocument();
  });

  it('refreshes at once on a signal from the backend, with polling at a minute', async () => {
    const api = new InMemoryPreviewsApi([
      InMemoryPreviewsApi.preview({ branch: 'feature/cart', status: 'ready' }),
    ]);
    const signals = new TestSignals();
    const { unmount } = await renderContent(api, 60_000, {
      idlePollIntervalMs: 60_000,
      signals,
    });
    const row = await screen.findByTestId('preview-row-feature/cart');
    expect(signals.count('previews')).toBe(1);
    const calls = api.callsOf('listPreviews').length;

    // Another user puts it to sleep: the backend signals its id and status.
    api.update('id-feature/cart', { status: 'sleeping' });
    signals.send('previews', { id: 'id-feature/cart', status: 'sleeping' });
    await waitFor(() =>
      expect(within(row).getByTestId('preview-status')).toHaveTextContent(
        /^sleeping$/,
      ),
    );
    expect(api.callsOf('listPreviews')).toHaveLength(calls + 1);
    // A burst of signals (a rollout changes several things) is one refresh.
    api.update('id-feature/cart', { status: 'provisioning' });
    for (const status of ['provisioning', 'provisioning', 'provisioning'])
      signals.send('previews', { id: 'id-feature/cart', status });
    await waitFor(() =>
      expect(within(row).getByTestId('preview-status')).toHaveTextContent(
        /^provisioning$/,
      ),
    );
    await new Promise(resolve => setTimeout(resolve, 200));
    expect(api.callsOf('listPreviews')).toHaveLength(calls + 2);
    // Leaving the tab unsubscribes.
    unmount();
    expect(signals.count('previews')).toBe(0);
  });

  it('shows why a preview is degraded, its pods and its latest warning', async () => {
    const api = new InMemoryPreviewsApi([
      InMemoryPreviewsApi.preview({
        branch: 'feature/broken',
        status: 'degraded',
        statusMessage: 'web-1/web ImagePullBackOff',
        details: {
          podsReady: 0,
          podsTotal: 1,
          restarts: 2,
          warnings: [
            {
              reason: 'Failed',
              message: 'Failed to pull image',
              object: 'Pod/web-1',
            },
          ],
        },
      }),
    ]);
    await renderContent(api);
    const row = await screen.findByTestId('preview-row-feature/broken');
    expect(within(row).getByTestId('preview-status')).toHaveTextContent(
      /^degraded$/,
    );
    expect(within(row).getByTestId('preview-status-message')).toHaveTextContent(
      'web-1/web ImagePullBackOff',
    );
    expect(within(row).getByTestId('preview-pods')).toHaveTextContent(
      '0/1 pods ready, 2 restarts',
    );
    expect(within(row).getByTestId('preview-warning')).toHaveTextContent(
      'Failed: Failed to pull image',
    );
  });

  it('does not show past warnings of a ready preview', async () => {
    const api = new InMemoryPreviewsApi([
      InMemoryPreviewsApi.preview({
        branch: 'feature/recovered',
        status: 'ready',
        details: {
          podsReady: 1,
          podsTotal: 1,
          restarts: 0,
          warnings: [
            {
              reason: 'FailedCreate',
              message: 'create Pod postgres-0 failed, please try again',
              object: 'StatefulSet/postgres',
            },
          ],
        },
      }),
    ]);
    await renderContent(api);
    const row = await screen.findByTestId('preview-row-feature/recovered');
    expect(within(row).getByTestId('preview-pods')).toHaveTextContent(
      '1/1 pods ready',
    );
    expect(
      within(row).queryByTestId('preview-warning'),
    ).not.toBeInTheDocument();
  });

  it('lists the previews of the entity', async () => {
    const api = new InMemoryPreviewsApi([
      InMemoryPreviewsApi.preview({
        branch: 'feature/cart',
        url: 'https://cart.previews.example.com',
        createdAt: minutesAgo(5),
      }),
      InMemoryPreviewsApi.preview({
        branch: 'fix/login',
        status: 'failed',
        statusMessage: 'Image pull failed',
        createdAt: minutesAgo(90),
      }),
      InMemoryPreviewsApi.preview({
        branch: 'other',
        entityRef: 'component:default/other',
      }),
    ]);
    await renderContent(api);

    const cart = await screen.findByTestId('preview-row-feature/cart');
    expect(within(cart).getByText('feature/cart')).toBeInTheDocument();
    expect(within(cart).getByTestId('preview-status')).toHaveTextContent(
      /^ready$/,
    );
    const link = within(cart).getByRole('link', {
      name: /cart\.previews\.example\.com/,
    });
    expect(link).toHaveAttribute('href', 'https://cart.previews.example.com');
    expect(link).toHaveAttribute('target', '_blank');
    expect(within(cart).getByTestId('preview-age')).toHaveTextContent(
      '5 min ago',
    );

    const login = screen.getByTestId('preview-row-fix/login');
    expect(within(login).getByTestId('preview-status')).toHaveTextContent(
      /^failed$/,
    );
    expect(within(login).getByText('Image pull failed')).toBeInTheDocument();
    expect(within(login).getByTestId('preview-age')).toHaveTextContent(
      '1 h ago',
    );

    expect(screen.queryByTestId('preview-row-other')).not.toBeInTheDocument();
    expect(api.callsOf('listPreviews')[0]).toEqual([
      { entityRef: 'component:default/shop' },
    ]);
  });

  it('explains how to create the first preview when there are none', async () => {
    await renderContent(new InMemoryPreviewsApi());

    expect(await screen.findByText('No previews yet')).toBeInTheDocument();
    expect(screen.getByText(/To create the first one/)).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'How to write a preview spec' }),
    ).toHaveAttribute(
      'href',
      'https://github.com/backstage-previews/backstage-previews#the-preview-spec',
    );
    expect(
      screen.getByRole('button', { name: 'Create preview' }),
    ).toBeInTheDocument();
  });

  it('creates a preview of the trimmed branch', async () => {
    const user = setupUser();
    const api = new InMemoryPreviewsApi();
    await renderContent(api);
    await screen.findByText('No previews yet');

    await user.click(screen.getByRole('button', { name: 'Create preview' }));
    const dialog = await screen.findByRole('dialog');
    await user.type(
      within(dialog).getByRole('combobox', { name: /Branch/ }),
      '  feature/search  ',
    );
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));

    const row = await screen.findByTestId('preview-row-feature/search');
    expect(api.callsOf('createPreview')).toEqual([
      [{ entityRef: 'component:default/shop', branch: 'feature/search' }],
    ]);
    expect(within(row).getByTestId('preview-status')).toHaveTextContent(
      /^provisioning$/,
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
  });

  it('offers open pull requests and creates a preview of the picked one', async () => {
    const user = setupUser();
    const api = new InMemoryPreviewsApi();
    api.branchItems.push(
      {
        kind: 'pullRequest',
        branch: 'feature/cart',
        number: 42,
        title: 'New cart',
        author: { login: 'ana' },
      },
      { kind: 'branch', branch: 'main' },
    );
    await renderContent(api);
    await screen.findByText('No previews yet');

    await user.click(screen.getByRole('button', { name: 'Create preview' }));
    const dialog = await screen.findByRole('dialog');
    await user.type(
      within(dialog).getByRole('combobox', { name: /Branch/ }),
      'cart',
    );
    // The search sends what was typed once typing stops.
    await waitFor(() =>
      expect(api.callsOf('listBranches')).toContainEqual([
        { entityRef: 'component:default/shop', q: 'cart' },
      ]),
    );
    const option = await screen.findByRole('option', {
      name: /#42 New cart \(feature\/cart, ana\)/,
    });
    await user.click(option);
    expect(
      within(dialog).getByText('Pull request #42: New cart'),
    ).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));

    await screen.findByTestId('preview-row-feature/cart');
    expect(api.callsOf('createPreview')).toEqual([
      [{ entityRef: 'component:default/shop', pullRequest: 42 }],
    ]);
  });

  it('requires a branch', async () => {
    const user = setupUser();
    const api = new InMemoryPreviewsApi();
    await renderContent(api);

    await user.click(
      await screen.findByRole('button', { name: 'Create preview' }),
    );
    const dialog = await screen.findByRole('dialog');
    await user.type(
      within(dialog).getByRole('combobox', { name: /Branch/ }),
      '   ',
    );
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));

    expect(within(dialog).getByText('Branch is required')).toBeInTheDocument();
    expect(api.callsOf('createPreview')).toHaveLength(0);
  });

  it('shows the error of a failed creation and keeps the dialog open', async () => {
    const user = setupUser();
    const api = new InMemoryPreviewsApi();
    await renderContent(api);

    await user.click(
      await screen.findByRole('button', { name: 'Create preview' }),
    );
    const dialog = await screen.findByRole('dialog');
    const input = within(dialog).getByRole('combobox', { name: /Branch/ });
    await user.type(input, 'no spaces allowed');
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));

    expect(
      await within(dialog).findByText(
        'Invalid branch name "no spaces allowed"',
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('dialog')).toBeInTheDocument();
    expect(input).toHaveValue('no spaces allowed');

    // Correcting the branch then works.
    await user.clear(input);
    await user.type(input, 'feature/ok');
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));
    expect(
      await screen.findByTestId('preview-row-feature/ok'),
    ).toBeInTheDocument();
  });

  it('destroys a preview only after confirmation', async () => {
    const user = setupUser();
    const api = new InMemoryPreviewsApi([
      InMemoryPreviewsApi.preview({ branch: 'feature/cart' }),
    ]);
    await renderContent(api);
    const row = await screen.findByTestId('preview-row-feature/cart');

    // Cancelling leaves the preview alone.
    await user.click(within(row).getByRole('button', { name: 'Destroy' }));
    let dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('preview-feature-cart');
    expect(dialog).toHaveTextContent('feature/cart');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(api.callsOf('destroyPreview')).toHaveLength(0);

    // Confirming destroys it.
    await user.click(within(row).getByRole('button', { name: 'Destroy' }));
    dialog = await screen.findByRole('dialog');
    expect(api.callsOf('destroyPreview')).toHaveLength(0);
    // Only the preview's name unlocks the button.
    const destroyButton = within(dialog).getByRole('button', {
      name: 'Destroy preview',
    });
    expect(destroyButton).toBeDisabled();
    const nameInput = within(dialog).getByRole('textbox', {
      name: /Type the preview name/,
    });
    await user.type(nameInput, 'preview-feature');
    expect(destroyButton).toBeDisabled();
    await user.type(nameInput, '-cart');
    expect(destroyButton).toBeEnabled();
    await user.click(
      within(dialog).getByRole('button', { name: 'Destroy preview' }),
    );

    await waitFor(() =>
      expect(
        within(screen.getByTestId('preview-row-feature/cart')).getByTestId(
          'preview-status',
        ),
      ).toHaveTextContent(/^destroying$/),
    );
    expect(api.callsOf('destroyPreview')).toEqual([['id-feature/cart']]);
  });

  it('refreshes while a preview is changing state, then stops', async () => {
    const api = new InMemoryPreviewsApi([
      InMemoryPreviewsApi.preview({
        branch: 'feature/cart',
        status: 'provisioning',
      }),
    ]);
    await renderContent(api, 20);
    const row = await screen.findByTestId('preview-row-feature/cart');
    expect(within(row).getByTestId('preview-status')).toHaveTextContent(
      /^provisioning$/,
    );
    await waitFor(() =>
      expect(api.callsOf('listPreviews').length).toBeGreaterThan(2),
    );
    // The rows stay on screen while refreshing.
    expect(screen.getByTestId('preview-row-feature/cart')).toBe(row);

    api.update('id-feature/cart', {
      status: 'ready',
      url: 'https://cart.example.com',
    });
    await waitFor(() =>
      expect(within(row).getByTestId('preview-status')).toHaveTextContent(
        /^ready$/,
      ),
    );
    const calls = api.callsOf('listPreviews').length;
    await new Promise(resolve => setTimeout(resolve, 150));
    expect(api.callsOf('listPreviews')).toHaveLength(calls);
  });

  it('shows a failed load, retries it and shows the list once it answers', async () => {
    const api = new InMemoryPreviewsApi([
      InMemoryPreviewsApi.preview({ branch: 'feature/cart', status: 'ready' }),
    ]);
    const list = api.listPreviews.bind(api);
    let failing = true;
    jest.spyOn(api, 'listPreviews').mockImplementation(async options => {
      if (failing) throw new Error('backend restarting');
      return list(options);
    });
    await renderContent(api, 20, { idlePollIntervalMs: 20 });
    expect(
      (await screen.findAllByText(/backend restarting/)).length,
    ).toBeGreaterThan(0);
    // nothing else loads the list: only the retry after the failure can show it
    failing = false;
    expect(
      await screen.findByTestId('preview-row-feature/cart'),
    ).toBeInTheDocument();
    expect(screen.queryAllByText(/backend restarting/)).toHaveLength(0);
  });

  it.each([
    [
      404,
      'Not Found',
      /The previews backend is not installed/,
      1,
      'The previews backend is not installed',
    ],
    [
      500,
      'Internal Server Error',
      /Request failed with 500/,
      0,
      'Create a preview of a branch or pull request',
    ],
  ])(
    'a list that fails with %s %s says whether the backend plugin is missing',
    async (status, statusText, shown, backendMissing, createTooltip) => {
      const api = new InMemoryPreviewsApi([]);
      const failure = await ResponseError.fromResponse({
        status,
        statusText,
        url: '/api/previews/previews',
        headers: new Headers(),
        text: async () => '',
      } as unknown as Response);
      jest.spyOn(api, 'listPreviews').mockRejectedValue(failure);
      await renderContent(api);
      expect((await screen.findAllByText(shown)).length).toBeGreaterThan(0);
      expect(
        screen.queryAllByText(/The previews backend is not installed/),
      ).toHaveLength(backendMissing);
      // announced, with what to install
      expect(
        screen
          .queryAllByRole('alert')
          .filter(a =>
            a.textContent?.includes(
              '@backstage-previews/plugin-previews-backend',
            ),
          ),
      ).toHaveLength(backendMissing);
      // a creation without the backend plugin could only fail; once the
      // permission check is done, the button's tooltip says why
      const create = screen.getByRole('button', { name: 'Create preview' });
      await waitFor(() =>
        expect(create.parentElement).toHaveAttribute(
          'aria-label',
          createTooltip,
        ),
      );
      expect(create).toHaveProperty('disabled', !!backendMissing);
    },
  );
});
