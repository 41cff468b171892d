import { redactLogLines } from './redactLogLines';

/**
 * A log stream cut into whole lines and redacted: `push` chunks as they
 * come (a line may arrive in pieces), `end` flushes the last partial line.
 * Each call of `emit` gets whole lines, newlines kept. Pure (but for emit).
 */
export function redactingLines(
  secretValues: readonly string[],
  emit: (text: string) => void,
) {
  let pending = '';
  const flush = (text: string) => {
    if (!text) return;
    const lines = text.split('\n');
    emit(redactLogLines(lines, secretValues).join('\n'));
  };
  return {
    push(chunk: string) {
      const text = pending + chunk;
      const cut = text.lastIndexOf('\n');
      if (cut < 0) {
        pending = text;
        // A very long line without a newline is sent anyway, so a stream never stalls on it.
        if (pending.length > 64 * 1024) {
          flush(pending);
          pending = '';
        }
        return;
      }
      pending = text.slice(cut + 1);
      flush(text.slice(0, cut + 1));
    },
    end() {
      flush(pending);
      pending = '';
    },
  };
}
