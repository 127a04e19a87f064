import {
  DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT,
  DEFAULT_EVENT_ATTRIBUTE_VALUE_LENGTH_LIMIT,
} from '@transcriber/instrumentation/names';
import { ConfigError } from './configFields';

/** Longest attribute value kept, by signal, in UTF-16 code units. */
export interface AttributeValueLengthLimits {
  spans: number;
  /** No OTel variable of its own: the general one, else the spans' default. */
  metricPoints: number;
  logRecords: number;
}

/**
 * The attribute value length limits as the OpenTelemetry environment variables set them: the
 * signal's own variable (OTEL_SPAN_… / OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT), else
 * OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT, else our defaults (4,096 for spans and metric points, 1 MiB for
 * events; OTel's own is no limit). Used by the SDK bootstrap and by `transcriber collect`, so a
 * value is cut the same way whichever path it takes. A value that is not a non-negative integer is a
 * ConfigError naming the variable.
 */
export function attributeValueLengthLimits(env: NodeJS.ProcessEnv = process.env): AttributeValueLengthLimits {
  const general = limitFrom(env, 'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT');
  return {
    spans: limitFrom(env, 'OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT') ?? general ?? DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT,
    metricPoints: general ?? DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT,
    logRecords:
      limitFrom(env, 'OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT') ??
      general ??
      DEFAULT_EVENT_ATTRIBUTE_VALUE_LENGTH_LIMIT,
  };
}

function limitFrom(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ConfigError(
      `invalid ${name} ${JSON.stringify(raw)} in the environment: expected a whole number of characters`,
    );
  }
  return value;
}
