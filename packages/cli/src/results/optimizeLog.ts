import type { OptimizationLogEntry } from '@transcriber/queries';
import type { Window } from './window';

// The result of `transcriber optimize log`.

export interface OptimizeLogResult {
  window: Window;
  entries: OptimizationLogEntry[];
}
