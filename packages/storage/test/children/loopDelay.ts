// A control: an idle Node process measuring its own event-loop delay for `durationMs`, so a test
// can tell the delay its code caused from the delay a busy machine causes every process.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { runMain, sleep } from './common';

const [durationMs] = process.argv.slice(2);

runMain(async () => {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  process.stdout.write('measuring\n');
  await sleep(Number(durationMs));
  delay.disable();
  return { maxMs: delay.max / 1e6 };
});
