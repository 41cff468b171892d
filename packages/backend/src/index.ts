import { createBackend } from '@backstage/backend-defaults';

// The portal's backend: the catalog, guest sign-in for local use, the
// permission framework (allow-all here; see README for an owner-only policy)
// and the previews plugin.
const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(
  import('@backstage/plugin-permission-backend-module-allow-all-policy'),
);
backend.add(import('@backstage-previews/plugin-previews-backend'));
// Notifications (expiry warnings of previews) and signals (pushes them to the open portal).
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));
// GitHub webhooks arrive at /api/events/http/github (topic github.pull_request).
backend.add(import('@backstage/plugin-events-backend'));
backend.add(import('@backstage/plugin-events-backend-module-github'));

backend.start();
