import { useState } from 'react';
import IconButton from '@mui/material/IconButton';
import Tooltip from '@mui/material/Tooltip';
import ContentCopyIcon from '@mui/icons-material/ContentCopy';

const COPIED_TEXT = { yes: 'Copied', failed: 'Could not copy' };

/** Copies a text to the clipboard; the tooltip confirms it. */
export function CopyButton(props: { text: string; label: string }) {
  const { text, label } = props;
  const [copied, setCopied] = useState<'yes' | 'failed' | undefined>();
  const copy = async () => {
    try {
      await window.navigator.clipboard.writeText(text);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  };
  return (
    <Tooltip
      title={copied ? COPIED_TEXT[copied] : label}
      onClose={() => setCopied(undefined)}
    >
      <IconButton size="small" aria-label={label} onClick={copy}>
        <ContentCopyIcon fontSize="inherit" />
      </IconButton>
    </Tooltip>
  );
}
