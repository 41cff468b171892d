import { SignInPage } from '@backstage/core-components';
import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';

/**
 * The sign-in page: a single "Guest" card whose "Enter" button signs in
 * through the backend's guest auth provider. Once signed in, the choice is
 * remembered and later visits sign in again without the page.
 */
export const signInPage = SignInPageBlueprint.make({
  params: {
    loader: async () => props =>
      (
        <SignInPage
          {...props}
          providers={['guest']}
          title="Backstage Previews"
        />
      ),
  },
});

/** Overrides the app plugin's sign-in page with {@link signInPage}. */
export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [signInPage],
});
