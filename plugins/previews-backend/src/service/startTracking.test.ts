import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { PreviewService } from './PreviewService';
import type { PreviewsStore } from '../database/PreviewsStore';
import { startTracking } from './startTracking';

describe('startTracking', () => {
  const start = (previews: object) => {
    const scheduleTask = jest.fn(async () => undefined);
    const sweepOrphans = jest.fn(async () => undefined);
    const started = startTracking({
      service: { sweepOrphans } as unknown as PreviewService,
      store: {} as PreviewsStore,
      engines: new Map(),
      config: new ConfigReader(previews),
      lifecycle: mockServices.lifecycle.mock(),
      scheduler: { scheduleTask } as never,
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
    });
    return { started, scheduleTask, sweepOrphans };
  };

  it('refuses a bad orphan sweep setting at start, scheduling no sweep', async () => {
    const { started, scheduleTask } = start({
      orphanSweep: { minAge: '15m', minAgeMinutes: 15 },
    });
    await expect(started).rejects.toThrow(
      'set minAge or minAgeMinutes, not both',
    );
    expect(scheduleTask.mock.calls.map(c => (c as any)[0].id)).toEqual([
      'previews-reconcile',
    ]);
  });

  it('sweeps with the settings read at start, in either form', async () => {
    const { started, scheduleTask, sweepOrphans } = start({
      orphanSweep: { minAge: { hours: 2 }, dryRun: false, maxCount: 3 },
    });
    await started;
    const sweep = scheduleTask.mock.calls
      .map(c => (c as any)[0])
      .find(t => t.id === 'previews-orphan-sweep');
    await sweep.fn();
    expect(sweepOrphans).toHaveBeenCalledWith({
      dryRun: false,
      minAgeMinutes: 120,
      limits: { maxCount: 3, maxShare: 0.5 },
    });
  });
});
