/** A setting or option the optimizer cannot use; the message names it, its value and what is accepted. */
export class OptimizerInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OptimizerInputError';
  }
}
