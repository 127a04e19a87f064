#!/usr/bin/env node
import { main } from './cli';

// The reader went away (`transcriber traces | head`, a closed --live pipe): stop quietly, as Unix
// tools do, instead of dying on an unhandled EPIPE.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

void main(process.argv).then((code) => {
  process.exitCode = code;
});
