import { screen } from '@testing-library/react';
import { InMemoryPreviewsApi } from '../__testUtils__/InMemoryPreviewsApi';
import { renderWithPreviews } from '../__testUtils__/renderWithPreviews';
import { EntityRefOrText } from './EntityRefOrText';

describe('EntityRefOrText', () => {
  it('links entity refs to their entity page and leaves the other actors and owners as text', async () => {
    await renderWithPreviews(
      <ul>
        {[
          'user:default/ana',
          'group:payments/web-team',
          'service:plugin:catalog',
          'anonymous',
          'unowned',
        ].map(ref => (
          <li key={ref}>
            <EntityRefOrText entityRef={ref} defaultKind="user" />
          </li>
        ))}
      </ul>,
      new InMemoryPreviewsApi(),
    );
    expect(screen.getByRole('link', { name: 'ana' })).toHaveAttribute(
      'href',
      '/catalog/default/user/ana',
    );
    expect(
      screen.getByRole('link', { name: 'group:payments/web-team' }),
    ).toHaveAttribute('href', '/catalog/payments/group/web-team');
    expect(screen.getAllByRole('link')).toHaveLength(2);
    expect(
      screen.getAllByRole('listitem').map(item => item.textContent),
    ).toEqual([
      'ana',
      'group:payments/web-team',
      'service:plugin:catalog',
      'anonymous',
      'unowned',
    ]);
  });
});
