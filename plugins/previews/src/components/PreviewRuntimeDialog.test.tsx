import { screen, waitFor } from '@testing-library/react';
import { InMemoryPreviewsApi } from '../__testUtils__/InMemoryPreviewsApi';
import {
  renderWithPreviews,
  setupUser,
} from '../__testUtils__/renderWithPreviews';
import { defaultT } from '../__testUtils__/translations';
import { PreviewRuntimeDialog, containerState } from './PreviewRuntimeDialog';

const preview = InMemoryPreviewsApi.preview({ branch: 'feature/x' });

function apiWithPods() {
  const api = new InMemoryPreviewsApi([preview]);
  api.pods[preview.id] = [
    {
      name: 'api-7d9-x1',
      role: 'workload',
      of: 'api',
      phase: 'Running',
      containers: [
        {
          name: 'wait-for-database',
          init: true,
          state: 'terminated',
          reason: 'Completed',
          exitCode: 0,
          restarts: 0,
          ready: true,
          hasPrevious: false,
        },
        {
          name: 'api',
          init: false,
          state: 'waiting',
          reason: 'CrashLoopBackOff',
          exitCode: 3,
          restarts: 4,
          ready: false,
          hasPrevious: true,
        },
      ],
    },
    {
      name: 'migrate-g1-abc',
      role: 'seed',
      of: 'migrate',
      phase: 'Failed',
      containers: [
        {
          name: 'migrate',
          init: true,
          state: 'terminated',
          reason: 'Error',
          exitCode: 1,
          restarts: 0,
          ready: false,
          hasPrevious: false,
        },
      ],
    },
  ];
  api.logs['api-7d9-x1/api'] = 'waiting to restart\n';
  api.logs['api-7d9-x1/api/previous'] = 'starting\npw=[redacted]\ngiving up\n';
  api.logs['migrate-g1-abc/migrate'] = 'ERROR: no such table\n';
  api.clusterEvents[preview.id] = [
    {
      at: '2026-12-03T10:00:00.000Z',
      type: 'Warning',
      reason: 'BackOff',
      object: 'Pod/api-7d9-x1',
      message: 'Back-off restarting failed container',
      count: 5,
    },
  ];
  return api;
}

describe('PreviewRuntimeDialog', () => {
  it.each([
    [
      {
        name: 'a',
        init: false,
        state: 'running' as const,
        restarts: 0,
        ready: true,
        hasPrevious: false,
      },
      'running',
    ],
    [
      {
        name: 'a',
        init: false,
        state: 'waiting' as const,
        reason: 'CrashLoopBackOff',
        exitCode: 3,
        restarts: 1,
        ready: false,
        hasPrevious: true,
      },
      'waiting: CrashLoopBackOff (exit 3, 1 restart)',
    ],
  ])('says what a container does: %j', (c, expected) => {
    expect(containerState(defaultT(), c)).toBe(expected);
  });

  it("shows a crash-looping container's state and log, its previous run, a failed migrate step, and restarts the workload", async () => {
    const api = apiWithPods();
    const user = setupUser();
    await renderWithPreviews(
      <PreviewRuntimeDialog
        preview={preview}
        open
        canUpdate
        onClose={() => {}}
      />,
      api,
    );
    expect(
      await screen.findByTestId('preview-container-state'),
    ).toHaveTextContent(
      'waiting: CrashLoopBackOff (exit 3, 4 restarts) · following new lines',
    );
    await waitFor(() =>
      expect(screen.getByTestId('preview-log')).toHaveTextContent(
        'waiting to restart',
      ),
    );
    expect(api.callsOf('streamPreviewLogs')[0]).toEqual([
      preview.id,
      {
        pod: 'api-7d9-x1',
        container: 'api',
        previous: false,
        follow: true,
        tailLines: 5000,
      },
    ]);

    await user.click(screen.getByLabelText('Previous run (crashed)'));
    await waitFor(() =>
      expect(screen.getByTestId('preview-log')).toHaveTextContent(
        'starting pw=[redacted] giving up',
      ),
    );

    await user.click(screen.getByRole('button', { name: 'Restart api' }));
    expect(api.callsOf('restartPreviewWorkload')).toEqual([
      [preview.id, 'api'],
    ]);

    // The select shows the chosen container; clicking it opens the list.
    await user.click(screen.getAllByText(/^api · api/)[0]);
    await user.click(
      await screen.findByRole('option', {
        name: /migrate · migrate \(init\) — terminated: Error \(exit 1\)/,
      }),
    );
    await waitFor(() =>
      expect(screen.getByTestId('preview-log')).toHaveTextContent(
        'ERROR: no such table',
      ),
    );
    expect(screen.queryByRole('button', { name: /^Restart/ })).toBeNull();
  });

  it("lists the namespace's events", async () => {
    const api = apiWithPods();
    const user = setupUser();
    await renderWithPreviews(
      <PreviewRuntimeDialog
        preview={preview}
        open
        canUpdate={false}
        onClose={() => {}}
      />,
      api,
    );
    expect(
      await screen.findByRole('button', { name: 'Restart api' }),
    ).toBeDisabled();
    await user.click(screen.getByRole('tab', { name: 'Events' }));
    expect(
      await screen.findByTestId('preview-cluster-events'),
    ).toHaveTextContent(
      /Warning BackOff Pod\/api-7d9-x1 \(×5\): Back-off restarting failed container/,
    );
  });
});
