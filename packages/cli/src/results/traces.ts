import type { OperationRecord } from '@transcriber/queries';
import type { Window } from './window';

// The result of `transcriber traces`.

export interface TracesResult {
  window: Window;
  /** The service asked for; null: every service but benchmark runs'. */
  service: string | null;
  order: 'recent' | 'slowest';
  operations: OperationRecord[];
}
