import { screen, waitFor, within } from '@testing-library/react';
import {
  Preview,
  PreviewTestRun,
} from '@backstage-previews/plugin-previews-common';
import { InMemoryPreviewsApi } from '../__testUtils__/InMemoryPreviewsApi';
import {
  renderWithPreviews,
  setupUser,
} from '../__testUtils__/renderWithPreviews';
import { PreviewTestsPanel } from './PreviewTestsPanel';

const failedRun: PreviewTestRun = {
  run: 1,
  status: 'failed',
  trigger: 'create',
  sha: '0123456789abcdef0123456789abcdef01234567',
  results: [
    {
      name: 'reaches-app',
      status: 'passed',
      seconds: 2.5,
      pod: 'test-r1-reaches-app-x',
      container: 'test',
    },
    {
      name: 'checkout',
      status: 'failed',
      message: 'exited with code 3\ncheckout total is 0, expected 42',
      pod: 'test-r1-checkout-y',
      container: 'test',
    },
  ],
};
const withTests = (tests: PreviewTestRun) =>
  InMemoryPreviewsApi.preview({
    branch: 'feature/x',
    status: 'degraded',
    tests,
  });

describe('PreviewTestsPanel', () => {
  it('shows each result with its message, opens a test’s log, and re-runs', async () => {
    const preview = withTests(failedRun);
    const api = new InMemoryPreviewsApi([preview]);
    const user = setupUser();
    const changed: Preview[] = [];
    const logs: string[] = [];
    await renderWithPreviews(
      <PreviewTestsPanel
        preview={preview}
        canUpdate
        onChanged={p => changed.push(p)}
        onShowLog={c => logs.push(c)}
      />,
      api,
    );
    const panel = await screen.findByTestId('preview-tests');
    expect(panel).toHaveTextContent('failed');
    expect(panel).toHaveTextContent('Run 1, after the create · commit 0123456');
    expect(screen.getByTestId('preview-test-reaches-app')).toHaveTextContent(
      'passedreaches-app in 2.5 s',
    );
    expect(screen.getByTestId('preview-test-checkout')).toHaveTextContent(
      'checkout total is 0, expected 42',
    );

    await user.click(
      within(screen.getByTestId('preview-test-checkout')).getByRole('button', {
        name: 'Log',
      }),
    );
    expect(logs).toEqual(['test-r1-checkout-y/test']);

    await user.click(screen.getByRole('button', { name: 'Re-run' }));
    expect(api.callsOf('rerunPreviewTests')).toEqual([[preview.id]]);
    await waitFor(() =>
      expect(changed[0]?.tests).toMatchObject({
        run: 2,
        status: 'running',
        trigger: 'rerun',
      }),
    );
  });

  it('offers no Re-run while a run goes, nor without update permission; shows nothing without tests', async () => {
    const api = new InMemoryPreviewsApi([]);
    const running = withTests({
      ...failedRun,
      status: 'running',
      results: failedRun.results.map(r => ({
        name: r.name,
        status: 'running' as const,
      })),
    });
    const view = await renderWithPreviews(
      <PreviewTestsPanel
        preview={running}
        canUpdate
        onChanged={() => {}}
        onShowLog={() => {}}
      />,
      api,
    );
    expect(
      await screen.findByRole('button', { name: 'Re-run' }),
    ).toBeDisabled();
    expect(
      screen.getByRole('button', { name: 'Re-run' }).closest('[title]'),
    ).toHaveAttribute('title', 'The run has not ended yet');
    view.unmount();

    const other = await renderWithPreviews(
      <PreviewTestsPanel
        preview={withTests(failedRun)}
        canUpdate={false}
        onChanged={() => {}}
        onShowLog={() => {}}
      />,
      api,
    );
    expect(
      await screen.findByRole('button', { name: 'Re-run' }),
    ).toBeDisabled();
    other.unmount();

    await renderWithPreviews(
      <PreviewTestsPanel
        preview={InMemoryPreviewsApi.preview({ branch: 'main' })}
        canUpdate
        onChanged={() => {}}
        onShowLog={() => {}}
      />,
      api,
    );
    expect(screen.queryByTestId('preview-tests')).toBeNull();
    expect(api.callsOf('rerunPreviewTests')).toEqual([]);
  });

  it('shows why a re-run failed until it is closed, and changes nothing', async () => {
    const preview = withTests(failedRun);
    const api = new InMemoryPreviewsApi([preview]);
    jest
      .spyOn(api, 'rerunPreviewTests')
      .mockRejectedValue(new Error('the backend is restarting'));
    const user = setupUser();
    const changed: Preview[] = [];
    await renderWithPreviews(
      <PreviewTestsPanel
        preview={preview}
        canUpdate
        onChanged={p => changed.push(p)}
        onShowLog={() => {}}
      />,
      api,
    );
    await user.click(await screen.findByRole('button', { name: 'Re-run' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('the backend is restarting');
    expect(changed).toEqual([]);
    // the run can be asked again
    expect(screen.getByRole('button', { name: 'Re-run' })).toBeEnabled();
    await user.click(within(alert).getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
