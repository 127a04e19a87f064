import type { OperationRecord } from '@transcriber/queries';
import type { Window } from './window';

// The result of `transcriber traces`.

export interface TracesResult {
  window: Window;
  order: 'recent' | 'slowest';
  operations: OperationRecord[];
}
