import { useEffect, useState } from 'react';
import Alert from '@mui/material/Alert';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import Typography from '@mui/material/Typography';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { PreviewEvent } from '@backstage-previews/plugin-previews-common';
import { previewsApiRef } from '../api';
import { previewsTranslationRef } from '../translation';
import { EntityRefOrText } from './EntityRefOrText';
import { errorMessage, formatDateTime } from './format';

/** The history of a preview, newest first; reloaded whenever `version` changes. */
export function PreviewEventsList(props: {
  previewId: string;
  version?: string;
}) {
  const { previewId, version } = props;
  const previewsApi = useApi(previewsApiRef);
  const { t } = useTranslationRef(previewsTranslationRef);
  const [events, setEvents] = useState<PreviewEvent[] | undefined>();
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    let current = true;
    previewsApi
      .listPreviewEvents(previewId)
      .then(res => {
        if (!current) return;
        setEvents([...res.items].sort((a, b) => b.at.localeCompare(a.at)));
        setError(undefined);
      })
      .catch(e => current && setError(errorMessage(e)));
    return () => {
      current = false;
    };
  }, [previewsApi, previewId, version]);

  if (error) {
    return (
      <Alert severity="warning" data-testid="preview-events-error">
        {t('events.loadFailed', { error })}
      </Alert>
    );
  }
  if (!events) return <Progress />;
  if (events.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary">
        {t('events.none')}
      </Typography>
    );
  }
  return (
    <List
      dense
      disablePadding
      aria-label={t('events.label')}
      data-testid="preview-events"
      sx={{ minWidth: 0, whiteSpace: 'normal', overflowWrap: 'anywhere' }}
    >
      {events.map((e, i) => (
        <ListItem
          key={`${e.at}-${i}`}
          disableGutters
          sx={{ display: 'block', py: 0.5 }}
        >
          {/* Plain text rather than ListItemText: long messages must wrap. */}
          {/* The backend's messages say what happened; the type is for machines. */}
          <Typography
            variant="body2"
            data-event-type={e.type}
            sx={{ overflowWrap: 'anywhere' }}
          >
            {e.message}
          </Typography>
          <Typography variant="caption" color="text.secondary" display="block">
            {formatDateTime(e.at)}
            {e.actor && (
              <>
                {' · '}
                <EntityRefOrText
                  entityRef={e.actor}
                  defaultKind="user"
                  hideIcon
                />
              </>
            )}
          </Typography>
        </ListItem>
      ))}
    </List>
  );
}
