import { getOperationProfiler } from './operationProfiler';
import { timeOperation } from './timeOperation';

export interface MonitorOptions {
  /** Also profile the method when a profiler is registered and its sampling picks the call. */
  enableProfiling?: boolean;
}

/**
 * Method decorator (TypeScript/TC39 standard decorators) that times every call as a component
 * operation. The method keeps its sync or async nature, `this`, arguments, return value and
 * thrown errors.
 *
 * ```ts
 * class Agent {
 *   @monitorComponentPerformance(ComponentType.STT, 'transcribe')
 *   async transcribe(audio: Buffer) { ... }
 * }
 * ```
 */
export function monitorComponentPerformance(component: string, operation: string, options: MonitorOptions = {}) {
  const profiling = options.enableProfiling === true;
  return function decorate<This, Args extends unknown[], Return>(
    method: (this: This, ...args: Args) => Return,
    _context: ClassMethodDecoratorContext<This, (this: This, ...args: Args) => Return>,
  ): (this: This, ...args: Args) => Return {
    return function monitored(this: This, ...args: Args): Return {
      const call = () => method.apply(this, args);
      const profiler = profiling ? getOperationProfiler() : undefined;
      if (profiler === undefined) return timeOperation(component, operation, call);
      return timeOperation(component, operation, () => profiler.profile(component, operation, call));
    };
  };
}
