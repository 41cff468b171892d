/**
 * Records what CopyTextButton copies. It copies through copy-to-clipboard,
 * which selects the text and runs document.execCommand('copy'); jsdom has no
 * execCommand, so this stands in for it and keeps the selected text.
 * Call the returned `restore` when done.
 */
export function mockCopyCommand() {
  const copied: string[] = [];
  const execCommand = jest.fn((command: string) => {
    if (command !== 'copy') return false;
    copied.push(document.getSelection()?.toString() ?? '');
    return true;
  });
  Object.defineProperty(document, 'execCommand', {
    value: execCommand,
    configurable: true,
    writable: true,
  });
  return {
    copied,
    restore: () => {
      delete (document as { execCommand?: unknown }).execCommand;
    },
  };
}
