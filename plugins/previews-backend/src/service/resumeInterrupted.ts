import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import type { PreviewsStore } from '../database/PreviewsStore';
import type { PreviewService } from './PreviewService';

/**
 * After a restart: applies every `provisioning` preview again. A backend
 * stopped in the middle of a create (or redeploy) left some of the objects
 * unapplied, and nothing else would apply them; applying is idempotent
 * (server-side apply), so a rollout that was complete changes nothing, and
 * two replicas doing it at once are harmless. A deploy that fails now marks
 * the preview `failed` with the reason (PreviewService.redeploy).
 */
export async function resumeInterrupted(options: {
  store: PreviewsStore;
  service: PreviewService;
  auth: AuthService;
  logger: LoggerService;
}): Promise<string[]> {
  const { store, service, auth, logger } = options;
  const provisioning = await store.list({ statuses: ['provisioning'] });
  const credentials = await auth.getOwnServiceCredentials();
  const resumed: string[] = [];
  for (const preview of provisioning) {
    try {
      await service.redeploy(preview.id, { credentials });
      resumed.push(preview.id);
      logger.info(
        `Resumed provisioning preview ${preview.name} after a restart`,
      );
    } catch (e) {
      logger.warn(
        `Resuming preview ${preview.name} after a restart failed: ${e}`,
      );
    }
  }
  return resumed;
}
