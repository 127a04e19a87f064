// A process that makes an optimizer with automatic optimization on and never shuts it down: it
// must still exit by itself (the timer is unref'd) once its own work is done.
import { ModelCache, ResourceOptimizer } from '@transcriber/optimizer';

const [dataDir] = process.argv.slice(2);
const optimizer = new ResourceOptimizer(dataDir, { enableAutoOptimization: true, optimizationInterval: 0.05 });
const cache = new ModelCache<Buffer>({ name: 'child-cache', maxBytes: 2 ** 24 });
optimizer.registerCache(cache);
void cache.get('model', () => Buffer.alloc(2 ** 20));
// Work for a while, so several automatic rounds run, then fall off the end.
setTimeout(() => process.stdout.write('done\n'), 400);
