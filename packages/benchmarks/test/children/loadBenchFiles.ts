// Loads the bench files named in argv the way a user's process does: with nothing else handling
// `.ts` (the test loader's own hook is removed once our sources are in), so the package's own
// TypeScript hook is what loads TypeScript bench files. Prints what was loaded as JSON lines.
import { loadBenchFile } from '@transcriber/benchmarks';

delete require.extensions['.ts'];

async function main(): Promise<void> {
  for (const file of process.argv.slice(2)) {
    try {
      const loaded = await loadBenchFile(file);
      const results = [];
      for (const b of loaded.benchmarks) results.push(await b.fn());
      console.log(
        JSON.stringify({ file, component: loaded.component, names: loaded.benchmarks.map((b) => b.name), results }),
      );
    } catch (err) {
      console.log(JSON.stringify({ file, error: (err as Error).message }));
    }
  }
}

void main();
