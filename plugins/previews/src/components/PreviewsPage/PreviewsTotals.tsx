import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Grid from '@mui/material/Grid';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { PreviewsSummary } from '@backstage-previews/plugin-previews-common';
import { previewsTranslationRef } from '../../translation';
import { EntityRefOrText } from '../EntityRefOrText';
import { formatCost, shortRef } from '../format';

function SummaryTile(props: { label: string; value: string; testId: string }) {
  return (
    <Card variant="outlined">
      <CardContent>
        <Typography variant="body2" color="text.secondary">
          {props.label}
        </Typography>
        <Typography variant="h5" component="p" data-testid={props.testId}>
          {props.value}
        </Typography>
      </CardContent>
    </Card>
  );
}

/** The totals of the org-wide page: live previews, cost, expiring soon, cost per owner. */
export function PreviewsTotals(props: {
  summary?: PreviewsSummary;
  liveCount?: number;
  currency: string;
}) {
  const { summary, currency } = props;
  const { t } = useTranslationRef(previewsTranslationRef);
  return (
    <Grid container spacing={2} sx={{ mb: 2 }} alignItems="stretch">
      <Grid item xs={12} sm={4} md={2}>
        <SummaryTile
          label={t('totals.live')}
          value={String(summary?.total.live ?? props.liveCount ?? '–')}
          testId="previews-total-live"
        />
      </Grid>
      <Grid item xs={12} sm={4} md={2}>
        <SummaryTile
          label={t('totals.costPerHour')}
          value={
            summary
              ? t('format.perHour', {
                  cost: formatCost(summary.total.costPerHour, currency),
                })
              : '–'
          }
          testId="previews-total-cost"
        />
      </Grid>
      <Grid item xs={12} sm={4} md={2}>
        <SummaryTile
          label={t('totals.expiringSoon')}
          value={String(summary?.total.expiringSoon ?? '–')}
          testId="previews-total-expiring"
        />
      </Grid>
      <Grid item xs={12} md={6}>
        <Card variant="outlined">
          <CardContent>
            <Typography variant="body2" color="text.secondary">
              {t('totals.costPerOwner')}
            </Typography>
            {summary?.byOwner.length ? (
              <Table size="small" aria-label={t('totals.costPerOwner')}>
                <TableHead>
                  <TableRow>
                    <TableCell>{t('totals.owner')}</TableCell>
                    <TableCell align="right">
                      {t('totals.liveColumn')}
                    </TableCell>
                    <TableCell align="right">
                      {t('totals.perHourColumn')}
                    </TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {summary.byOwner.map(row => (
                    <TableRow
                      key={row.ref}
                      data-testid={`previews-owner-${shortRef(row.ref)}`}
                    >
                      <TableCell>
                        <EntityRefOrText
                          entityRef={row.ref}
                          defaultKind="group"
                        />
                      </TableCell>
                      <TableCell align="right">{row.live}</TableCell>
                      <TableCell align="right">
                        {formatCost(row.costPerHour, currency)}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            ) : (
              <Typography variant="body2" color="text.secondary">
                {summary ? t('totals.noLivePreviews') : t('totals.loading')}
              </Typography>
            )}
          </CardContent>
        </Card>
      </Grid>
    </Grid>
  );
}
