import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemText from '@mui/material/ListItemText';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  DEFAULT_IDLE_POLL_INTERVAL_MS,
  DEFAULT_POLL_INTERVAL_MS,
  usePreviews,
} from '../hooks/usePreviews';
import { PreviewStatusChip } from './PreviewStatusChip';
import { formatAge, formatExpiry } from './format';
import { useNow } from './EntityPreviewsContent';

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
    body = <ResponseErrorPanel error={error} />;
  } else {
    const live = previews ?? [];
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
          {live.length === 1 ? 'live preview' : 'live previews'}
        </Typography>
        {live.length === 0 ? (
          <Typography variant="body2">
            No previews. Create one from the{' '}
            <Link to="previews">Previews tab</Link>.
          </Typography>
        ) : (
          <List dense disablePadding aria-label="Most recent previews">
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
                      {` · ${formatAge(p.createdAt, now)} old`}
                      {formatExpiry(p, now) ? ` · ${formatExpiry(p, now)}` : ''}
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
      title="Previews"
      deepLink={{ title: 'All previews of this component', link: 'previews' }}
    >
      {body}
    </InfoCard>
  );
}
