import { PreviewEngine } from '@backstage-previews/plugin-previews-node';
import { installedEngines } from './installedEngines';

const engine = (id: string): PreviewEngine => ({
  id,
  deploy: async () => {},
  destroy: async () => {},
  observe: async t => ({ name: t.name, state: 'absent' }),
  track: async () => ({ stop: async () => {} }),
});

describe('installedEngines', () => {
  it('builds factories with the installation id, beside engines added as they are', async () => {
    const seen: string[] = [];
    const engines = await installedEngines(
      [
        engine('static'),
        async ({ installationId }) => {
          seen.push(installationId);
          return engine('built');
        },
      ],
      { installationId: 'inst-1' },
    );
    expect([...engines.keys()]).toEqual(['static', 'built']);
    expect(seen).toEqual(['inst-1']);
  });

  it('refuses two engines with one id, naming it and how to replace a default engine', async () => {
    await expect(
      installedEngines(
        [engine('kubernetes'), async () => engine('kubernetes')],
        { installationId: 'i' },
      ),
    ).rejects.toThrow(
      /Two previews engines have the id "kubernetes".*add previewsPlugin and the modules you want/,
    );
  });
});
