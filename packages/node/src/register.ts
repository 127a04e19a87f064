/* eslint-disable @typescript-eslint/no-require-imports -- nothing is loaded outside the main thread */
/**
 * The preload: `node --require @transcriber/node/register agent.js` (CommonJS) or
 * `node --import @transcriber/node/register agent.mjs` (ES modules) instruments an app without a
 * change to its code (see README, "Instrumenting an existing agent"). It never throws into the app.
 */
import { isMainThread } from 'node:worker_threads';

// Once per process, whichever way it was loaded (both flags, NODE_OPTIONS), and in the main thread
// only: Node also runs `--require` preloads in its ESM loader thread and in the app's workers, where
// not even the OTel API is loaded.
const STARTED = Symbol.for('transcriber.node.preload');
const holder = globalThis as { [STARTED]?: boolean };

if (isMainThread && holder[STARTED] !== true) {
  holder[STARTED] = true;
  try {
    // startPreload and what it loads in one file (scripts/bundlePreload.js, run by `npm run build`):
    // ~90 modules to resolve and compile before the app's first line instead of ~290.
    (require('./preload/preloadBundle') as typeof import('./preload/preloadBundle'))
      .loadPreloadBundle()
      .preload.startPreload();
  } catch (err) {
    try {
      (require('./sdk/diagLogger') as typeof import('./sdk/diagLogger')).installDiagLogger();
      const { diag } = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
      diag.warn(`transcriber: the preload failed and the app runs without it: ${(err as Error)?.stack ?? String(err)}`);
    } catch {
      // no logger either: the app still runs
    }
  }
}
