import { spawn } from 'node:child_process';

/**
 * Opens a URL in the desktop's browser (`--open`): `open` on macOS, `start` on Windows, else
 * `xdg-open`. Detached and not waited for; a failure is reported, never fatal (the URL is printed
 * anyway).
 */
export function openBrowser(url: string, report: (line: string) => void): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(command, args, { detached: true, stdio: 'ignore' });
    child.on('error', (err) => report(`could not open a browser (${command}: ${err.message}); open ${url} yourself`));
    child.unref();
  } catch (err) {
    report(`could not open a browser (${command}: ${(err as Error).message}); open ${url} yourself`);
  }
}
