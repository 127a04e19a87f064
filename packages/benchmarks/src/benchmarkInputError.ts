/** A benchmark was asked for with options that cannot run (unknown component, iterations < 1, …). */
export class BenchmarkInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BenchmarkInputError';
  }
}
