import { screen } from '@testing-library/react';
import {
  createTranslationMessages,
  translationApiRef,
} from '@backstage/core-plugin-api/alpha';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { translationApiWith } from './__testUtils__/translations';
import { PreviewsEmptyState } from './components/PreviewsEmptyState';
import { previewsTranslationRef } from './translation';

describe('previewsTranslationRef', () => {
  it('lets an app override a message', async () => {
    // What an app writes to change one text of the plugin.
    const overrides = createTranslationMessages({
      ref: previewsTranslationRef,
      messages: { 'emptyState.title': 'Nothing to preview here' },
    });
    await renderInTestApp(
      <TestApiProvider
        apis={[[translationApiRef, translationApiWith(overrides)]]}
      >
        <PreviewsEmptyState />
      </TestApiProvider>,
    );
    expect(screen.getByText('Nothing to preview here')).toBeInTheDocument();
    expect(screen.queryByText('No previews yet')).not.toBeInTheDocument();
    // Messages the app leaves alone keep their defaults.
    expect(
      screen.getByRole('link', { name: 'How to write a preview spec' }),
    ).toBeInTheDocument();
  });
});
