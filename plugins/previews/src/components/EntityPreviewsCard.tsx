import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemText from '@mui/material/ListItemText';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { InfoCard, Link, Progress } from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  DEFAULT_IDLE_POLL_INTERVAL_MS,
  DEFAULT_POLL_INTERVAL_MS,
  usePreviews,
} from '../hooks/usePreviews';
import { PreviewStatusChip } from './PreviewStatusChip';
import { PreviewsLoadError } from './PreviewsLoadError';
import { formatAge, formatExpiry } from './format';
import { useNow } from './EntityPreviewsContent';
import { previewsTranslationRef } from '../translation';

/**
 * Props of {@link EntityPreviewsCard}.
 *
 * @public
 */
export interface EntityPreviewsCardProps {
  /** How many of the most recent previews to list; 3 by default. */
  limit?: number;
  pollIntervalMs?: number;
  idlePollIntervalMs?: number;
}

/**
 * An overview card: how many previews the entity has live, and the most
 * recent ones with their status and URL. Refreshes like the Previews tab.
 *
 * @public
 */
export function EntityPreviewsCard(props: EntityPreviewsCardProps) {
  const {
    limit = 3,
    pollIntervalMs = DEFAULT_POLL_INTERVAL_MS,
    idlePollIntervalMs = DEFAULT_IDLE_POLL_INTERVAL_MS,
  } = props;
  const { t } = useTranslationRef(previewsTranslationRef);
  const { entity } = useEntity();
  const { previews, loading, error } = usePreviews(
    stringifyEntityRef(entity),
    pollIntervalMs,
    idlePollIntervalMs,
  );
  const now = useNow(30_000);

  let body: JSX.Element;
  if (loading && !previews) {
    body = <Progress />;
  } else if (error && !previews) {
    body = <PreviewsLoadError error={error} />;
  } else {
    const live = previews ?? [];
    const tabLink = <Link to="previews">{t('entityCard.tabLink')}</Link>;
    body = (
      <>
        <Typography
          variant="h4"
          component="p"
          data-testid="previews-card-count"
        >
          {live.length}
        </Typography>
        <Typography variant="body2" color="text.secondary" gutterBottom>
          {t('entityCard.live', { count: live.length })}
        </Typography>
        {live.length === 0 ? (
          <Typography variant="body2">
            {t('entityCard.empty', { tabLink })}
          </Typography>
        ) : (
          <List dense disablePadding aria-label={t('entityCard.listLabel')}>
            {live.slice(0, limit).map(p => (
              <ListItem
                key={p.id}
                disableGutters
                data-testid={`previews-card-item-${p.branch}`}
              >
                <ListItemText
                  primary={
                    <Stack direction="row" spacing={1} alignItems="center">
                      <span>{p.branch}</span>
                      <PreviewStatusChip preview={p} />
                    </Stack>
                  }
                  secondary={
                    <>
                      {p.url ? (
                        <Link
                          to={p.url}
                          target="_blank"
                          rel="noopener noreferrer"
                        >
                          {p.url.replace(/^https?:\/\//, '')}
                        </Link>
                      ) : (
                        p.name
                      )}
                      {` · ${t('entityCard.age', {
                        age: formatAge(t, p.createdAt, now),
                      })}`}
                      {formatExpiry(t, p, now)
                        ? ` · ${formatExpiry(t, p, now)}`
                        : ''}
                    </>
                  }
                  secondaryTypographyProps={{ component: 'div' }}
                />
              </ListItem>
            ))}
          </List>
        )}
      </>
    );
  }
  return (
    <InfoCard
      title={t('entityCard.title')}
      deepLink={{ title: t('entityCard.deepLink'), link: 'previews' }}
    >
      {body}
    </InfoCard>
  );
}
