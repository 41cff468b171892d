import { ConflictError, NotFoundError } from '@backstage/errors';
import { Preview } from '@backstage-previews/plugin-previews-common';
import { PreviewsApi } from '../api';
import { expiringSoon } from './previewFixture';

export function isLive(preview: Preview): boolean {
  return preview.status !== 'destroyed';
}

/**
 * The previews an in-memory API holds and the calls it received; the
 * lookups every action starts with, answering like the backend (404, 409).
 */
export class PreviewRecords {
  readonly calls: Array<{ method: keyof PreviewsApi; args: unknown[] }> = [];
  readonly previews: Preview[] = [];
  /** Methods that fail with this error instead of answering (e.g. a 403). */
  readonly failures: Partial<Record<keyof PreviewsApi, Error>> = {};
  private sequence = 0;

  /** A number for the next preview created (ids and creation times). */
  nextSequence(): number {
    this.sequence += 1;
    return this.sequence;
  }

  /** Records a call; throws the failure set for its method. */
  record(method: keyof PreviewsApi, args: unknown[]): void {
    this.calls.push({ method, args });
    const failure = this.failures[method];
    if (failure) {
      throw failure;
    }
  }

  /** Applies changes as the backend would, returning a copy. */
  change(preview: Preview, changes: Partial<Preview>): Preview {
    Object.assign(preview, changes, { updatedAt: new Date().toISOString() });
    preview.expiringSoon = expiringSoon(preview.expiresAt);
    return { ...preview };
  }

  /** A preview that is neither destroyed nor going (409 otherwise). */
  live(id: string): Preview {
    const preview = this.find(id);
    if (!isLive(preview) || preview.status === 'destroying') {
      throw new ConflictError(`Preview ${preview.name} is ${preview.status}`);
    }
    return preview;
  }

  find(id: string): Preview {
    const preview = this.previews.find(p => p.id === id);
    if (!preview) {
      throw new NotFoundError(`No preview with id ${id}`);
    }
    return preview;
  }
}
