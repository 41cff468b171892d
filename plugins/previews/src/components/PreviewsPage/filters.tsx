import FormControl from '@mui/material/FormControl';
import InputLabel from '@mui/material/InputLabel';
import MenuItem from '@mui/material/MenuItem';
import Select from '@mui/material/Select';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { Preview } from '@backstage-previews/plugin-previews-common';
import { previewsTranslationRef } from '../../translation';

/** The value of a filter set to "any". */
export const ALL = '';

/** The filters of the page; empty strings mean "any". */
export interface Filters {
  owner: string;
  component: string;
  status: string;
  expiringSoon: boolean;
}

/** Keeps the previews that pass the filters (owners from the catalog). */
export function filterPreviews(
  previews: Preview[],
  filters: Filters,
  owners: Record<string, string | undefined>,
): Preview[] {
  return previews.filter(
    p =>
      (!filters.owner || owners[p.entityRef] === filters.owner) &&
      (!filters.component || p.entityRef === filters.component) &&
      (!filters.status || p.status === filters.status) &&
      (!filters.expiringSoon || p.expiringSoon === true),
  );
}

export function FilterSelect(props: {
  /** Names the element ids, which stay the same in every language. */
  name: string;
  label: string;
  value: string;
  options: Array<{ value: string; label: string }>;
  onChange: (value: string) => void;
}) {
  const { t } = useTranslationRef(previewsTranslationRef);
  const id = `previews-filter-${props.name}`;
  return (
    <FormControl size="small" sx={{ minWidth: 180 }}>
      <InputLabel id={`${id}-label`}>{props.label}</InputLabel>
      <Select
        labelId={`${id}-label`}
        id={id}
        label={props.label}
        value={props.value}
        onChange={e => props.onChange(String(e.target.value))}
      >
        <MenuItem value={ALL}>{t('page.any')}</MenuItem>
        {props.options.map(o => (
          <MenuItem key={o.value} value={o.value}>
            {o.label}
          </MenuItem>
        ))}
      </Select>
    </FormControl>
  );
}
