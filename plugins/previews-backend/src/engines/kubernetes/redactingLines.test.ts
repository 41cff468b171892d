import { redactingLines } from './redactingLines';

describe('redactingLines', () => {
  it('redacts secret values in whole lines, even when a value arrives split across chunks', () => {
    const out: string[] = [];
    const lines = redactingLines(['s3cr3t-pass'], text => out.push(text));
    lines.push('boot\nDB password is s3cr');
    expect(out).toEqual(['boot\n']);
    lines.push(
      '3t-pass ok\nconnecting to postgres://app:hunter22@db:5432/x\npartial',
    );
    lines.end();
    expect(out.join('')).toBe(
      'boot\nDB password is [redacted] ok\nconnecting to postgres://app:[redacted]@db:5432/x\npartial',
    );
  });

  it('sends a very long line without a newline instead of holding it', () => {
    const out: string[] = [];
    const lines = redactingLines([], text => out.push(text));
    lines.push('x'.repeat(70 * 1024));
    expect(out.join('').length).toBe(70 * 1024);
  });

  it('sends nothing for nothing', () => {
    const out: string[] = [];
    const lines = redactingLines(['secret'], text => out.push(text));
    lines.push('');
    lines.end();
    expect(out).toEqual([]);
  });
});
