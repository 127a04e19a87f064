import { COMPONENT_TYPES, isComponentType } from '@transcriber/instrumentation';
import { BenchmarkInputError } from '../benchmarkInputError';
import type { BenchmarkSuite } from '../benchmarkSuite';
import type { BenchmarkProgress, BenchmarkResult } from '../types';
import { BenchFileError, loadBenchFile, type LoadedBenchFile } from './loadBenchFile';

export interface RunBenchFilesOptions {
  suite: BenchmarkSuite;
  files: readonly string[];
  /** Only files of this component. */
  component?: string;
  /** Iterations of every benchmark, overriding the files' own and the suite's default. */
  iterations?: number;
  listener?: BenchRunListener;
  /** Called before a file's setup, e.g. to start an SDK before the first pipeline benchmark. */
  beforeFile?: (file: LoadedBenchFile) => Promise<void> | void;
}

/** Follows a run as it goes (the CLI draws its progress bar from this). */
export interface BenchRunListener {
  benchmarkStart?(file: string, name: string, component: string): void;
  progress?(progress: BenchmarkProgress): void;
  benchmarkEnd?(file: string, result: BenchmarkResult): void;
  problem?(problem: BenchRunProblem): void;
}

/**
 * Something in a run that is not a benchmark result: a file that did not load, a hook that threw,
 * bad options. `message` does not repeat the file name.
 */
export interface BenchRunProblem {
  file: string;
  benchmark?: string;
  kind: 'load' | 'setup' | 'teardown' | 'options';
  message: string;
}

export interface BenchRunReport {
  results: { file: string; result: BenchmarkResult }[];
  problems: BenchRunProblem[];
  /** Files loaded, including those skipped for another component. */
  filesLoaded: number;
  /** Files of the selected component (all loaded files when none was selected). */
  filesRun: number;
}

/**
 * Loads the bench files and runs their benchmarks one after another, files in component order.
 * Nothing stops the run but bad options of the run itself (unknown component, iterations < 1,
 * thrown as BenchmarkInputError before anything runs): a file that fails to load, a setup that
 * throws or a benchmark with bad options is recorded as a problem and the run goes on.
 */
export async function runBenchFiles(options: RunBenchFilesOptions): Promise<BenchRunReport> {
  const { suite, component, iterations, listener } = options;
  if (component !== undefined && !isComponentType(component)) {
    throw new BenchmarkInputError(
      `unknown component ${JSON.stringify(component)}; expected one of: ${COMPONENT_TYPES.join(', ')}`,
    );
  }
  if (iterations !== undefined && (!Number.isInteger(iterations) || iterations < 1)) {
    throw new BenchmarkInputError(`iterations must be a whole number of at least 1, got ${JSON.stringify(iterations)}`);
  }
  const report: BenchRunReport = { results: [], problems: [], filesLoaded: 0, filesRun: 0 };
  const problem = (p: BenchRunProblem): void => {
    report.problems.push(p);
    listener?.problem?.(p);
  };
  const loaded: LoadedBenchFile[] = [];
  for (const file of options.files) {
    try {
      loaded.push(await loadBenchFile(file));
      report.filesLoaded++;
    } catch (err) {
      problem({ file, kind: 'load', message: err instanceof BenchFileError ? err.reason : messageOf(err) });
    }
  }
  const selected = loaded
    .filter((f) => component === undefined || f.component === component)
    .sort((a, b) => COMPONENT_TYPES.indexOf(a.component as never) - COMPONENT_TYPES.indexOf(b.component as never));
  report.filesRun = selected.length;
  for (const benchFile of selected) {
    const { file } = benchFile;
    await options.beforeFile?.(benchFile);
    try {
      await benchFile.setup?.();
    } catch (err) {
      problem({ file, kind: 'setup', message: `setup failed, its benchmarks were skipped: ${messageOf(err)}` });
      continue;
    }
    for (const benchmark of benchFile.benchmarks) {
      listener?.benchmarkStart?.(file, benchmark.name, benchFile.component);
      try {
        const result = await suite.runBenchmark({
          ...benchmark,
          component: benchFile.component,
          iterations: iterations ?? benchmark.iterations,
          onProgress: listener?.progress?.bind(listener),
        });
        report.results.push({ file, result });
        listener?.benchmarkEnd?.(file, result);
      } catch (err) {
        if (!(err instanceof BenchmarkInputError)) throw err;
        problem({ file, benchmark: benchmark.name, kind: 'options', message: err.message });
      }
    }
    try {
      await benchFile.teardown?.();
    } catch (err) {
      problem({ file, kind: 'teardown', message: `teardown failed: ${messageOf(err)}` });
    }
  }
  return report;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
