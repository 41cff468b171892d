import { useCallback, useEffect, useState } from 'react';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { CopyTextButton } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import {
  Preview,
  PreviewShareLink,
} from '@backstage-previews/plugin-previews-common';
import { previewsApiRef } from '../api';
import { previewsTranslationRef, PreviewsT } from '../translation';
import { EntityRefOrText } from './EntityRefOrText';
import { errorMessage, formatDateTime } from './format';

/** What was just created and is shown this once: a share link's URL or a bypass token. */
type Secret = { copyLabel: string; value: string; hint: string };

/** A share link's state as its line ends: revoked, expired, or until when it works. */
function linkState(t: PreviewsT, link: PreviewShareLink): string {
  if (link.revokedAt) {
    return t('access.revokedAt', { date: formatDateTime(link.revokedAt) });
  }
  if (Date.parse(link.expiresAt) <= Date.now())
    return t('access.expiredAt', { date: formatDateTime(link.expiresAt) });
  return t('access.validUntil', { date: formatDateTime(link.expiresAt) });
}

/**
 * Who can open a protected preview besides signed-in users: its share links
 * (create, list with their creators, revoke) and its bypass token for
 * automation (rotate). Link URLs and tokens are shown once, when created.
 */
export function PreviewAccessPanel(props: {
  preview: Preview;
  canUpdate: boolean;
}) {
  const { preview, canUpdate } = props;
  const previewsApi = useApi(previewsApiRef);
  const { t } = useTranslationRef(previewsTranslationRef);
  const [links, setLinks] = useState<PreviewShareLink[] | undefined>();
  const [hours, setHours] = useState('24');
  const [note, setNote] = useState('');
  const [secret, setSecret] = useState<Secret | undefined>();
  const [error, setError] = useState<string | undefined>();

  const reload = useCallback(() => {
    previewsApi
      .listShareLinks(preview.id)
      .then(setLinks)
      .catch(e => setError(errorMessage(e)));
  }, [previewsApi, preview.id]);
  useEffect(reload, [reload]);

  const act = async (work: () => Promise<Secret | void>) => {
    setError(undefined);
    try {
      const shown = await work();
      if (shown) setSecret(shown);
      reload();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const denied = canUpdate ? undefined : t('permissions.updateDenied');
  const hoursValue = Number(hours);
  const hoursInvalid = !(hoursValue > 0 && hoursValue <= 168);

  return (
    <Stack spacing={1} data-testid="preview-access">
      {error && <Alert severity="error">{error}</Alert>}
      {secret && (
        <Alert
          severity="success"
          onClose={() => setSecret(undefined)}
          data-testid="preview-access-secret"
        >
          <Typography variant="body2">{secret.hint}</Typography>
          <Stack direction="row" alignItems="center" spacing={0.5}>
            <Typography
              variant="body2"
              component="code"
              sx={{ wordBreak: 'break-all' }}
            >
              {secret.value}
            </Typography>
            <CopyTextButton
              text={secret.value}
              aria-label={secret.copyLabel}
              variant="tertiary"
            />
          </Stack>
        </Alert>
      )}
      <Stack
        direction="row"
        spacing={1}
        alignItems="center"
        flexWrap="wrap"
        useFlexGap
      >
        <TextField
          size="small"
          label={t('access.hours')}
          value={hours}
          onChange={e => setHours(e.target.value)}
          error={hoursInvalid}
          helperText={hoursInvalid ? t('access.hoursInvalid') : undefined}
          inputProps={{
            inputMode: 'decimal',
            'aria-label': t('access.hoursAriaLabel'),
          }}
          sx={{ width: 90 }}
        />
        <TextField
          size="small"
          label={t('access.forWhom')}
          value={note}
          onChange={e => setNote(e.target.value.slice(0, 200))}
          sx={{ width: 180 }}
        />
        <Button
          size="small"
          variant="outlined"
          disabled={!!denied || hoursInvalid}
          title={denied}
          onClick={() =>
            act(async () => {
              const link = await previewsApi.createShareLink(preview.id, {
                hours: hoursValue,
                ...(note.trim() ? { note: note.trim() } : {}),
              });
              setNote('');
              return {
                copyLabel: t('access.copyShareLink'),
                value: link.url,
                hint: t('access.shareLinkCreated', {
                  date: formatDateTime(link.expiresAt),
                }),
              };
            })
          }
        >
          {t('access.createShareLink')}
        </Button>
        <Button
          size="small"
          variant="outlined"
          disabled={!!denied}
          title={denied ?? t('access.rotateBypassTokenTitle')}
          onClick={() =>
            act(async () => {
              const token = await previewsApi.rotateBypassToken(preview.id);
              return {
                copyLabel: t('access.copyBypassToken'),
                value: token.token,
                hint: t('access.bypassTokenRotated', { header: token.header }),
              };
            })
          }
        >
          {t('access.rotateBypassToken')}
        </Button>
      </Stack>
      {links && links.length === 0 && (
        <Typography variant="body2" color="text.secondary">
          {t('access.noShareLinks')}
        </Typography>
      )}
      {links && links.length > 0 && (
        <List dense disablePadding>
          {links.map(link => (
            <ListItem
              key={link.id}
              disableGutters
              data-testid="preview-share-link"
              secondaryAction={
                !link.revokedAt && (
                  <Button
                    size="small"
                    color="error"
                    disabled={!!denied}
                    title={denied}
                    onClick={() =>
                      act(
                        async () =>
                          void (await previewsApi.revokeShareLink(
                            preview.id,
                            link.id,
                          )),
                      )
                    }
                  >
                    {t('access.revoke')}
                  </Button>
                )
              }
            >
              <Typography variant="body2">
                {link.note ? `${link.note} · ` : ''}
                {t('access.shareLinkLine', {
                  creator: (
                    <EntityRefOrText
                      entityRef={link.createdBy}
                      defaultKind="user"
                      hideIcon
                    />
                  ),
                  state: linkState(t, link),
                })}
              </Typography>
            </ListItem>
          ))}
        </List>
      )}
    </Stack>
  );
}
