import { diag, type Attributes } from '@opentelemetry/api';
import { getOperationInstruments } from './instruments';
import { ATTR_ERROR_TYPE } from './names';
import { operationKeyFor } from './operationKey';

/**
 * Records one component operation that something else timed (a framework's span, a derived turn)
 * the way `timeOperation` records its own: a point of the duration histogram, the operation counter
 * and, with `errorType`, the error counter, all with the operation's attributes. Never throws.
 */
export function recordOperation(component: string, operation: string, seconds: number, errorType?: string): void {
  try {
    const instruments = getOperationInstruments();
    let attributes: Attributes = operationKeyFor(component, operation).attributes;
    if (errorType !== undefined) {
      attributes = { ...attributes, [ATTR_ERROR_TYPE]: errorType };
      instruments.errors.add(1, attributes);
    }
    instruments.duration.record(seconds, attributes);
    instruments.operations.add(1, attributes);
  } catch (err) {
    diag.error('transcriber: recording an operation failed', err);
  }
}
