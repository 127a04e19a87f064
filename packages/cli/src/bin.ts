#!/usr/bin/env node
import { main } from './cli';
import { escapeControl } from './output/printable';

// The reader went away (`transcriber traces | head`, a closed --live pipe): stop quietly, as Unix
// tools do. Any other failure to write the output (`> /dev/full`: ENOSPC, a broken disk) is one
// line on stderr and exit 1, not an uncaught stack.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  failedToWrite('standard output', err);
});
// Nowhere left to say it: exit non-zero.
process.stderr.on('error', () => process.exit(1));

function failedToWrite(what: string, err: NodeJS.ErrnoException): never {
  const reason = err.code === 'ENOSPC' ? 'no space left on device' : escapeControl(err.message);
  try {
    process.stderr.write(`error: cannot write to ${what}: ${reason}\n`);
  } finally {
    process.exit(1);
  }
}

void main(process.argv).then((code) => {
  process.exitCode = code;
});
