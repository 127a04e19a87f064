import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONFIG_FIELDS, ConfigError, envNameOf, parseField } from './configFields';
import { DEFAULT_CONFIG, type PerformanceConfig } from './performanceConfig';

/** Config file looked up in the working directory when `TRANSCRIBER_PERF_CONFIG` names none. */
export const CONFIG_FILE_NAME = 'transcriber.config.json';

/**
 * Sections of the config file that belong to other parts of the system (e.g. the preload's
 * instrumentation map); they are not PerformanceConfig fields and are returned as they are.
 */
export const CONFIG_FILE_SECTIONS: readonly string[] = ['instrument', 'collect'];

export interface LoadConfigOptions {
  /** Where the config file is looked up. Default: `process.cwd()`. */
  cwd?: string;
  /** Environment to read. Default: `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Explicit config file; overrides `TRANSCRIBER_PERF_CONFIG` and the default name. */
  configFile?: string;
  /** Values given in code; they win over the file and lose to the environment. */
  overrides?: Partial<PerformanceConfig>;
  /**
   * Called with each bad value (or unreadable config file) instead of throwing: the bad value is
   * skipped and the lower-precedence one kept. For callers that must never stop on a bad
   * configuration, such as the preload.
   */
  onError?: (error: ConfigError) => void;
}

export interface LoadedConfig {
  config: PerformanceConfig;
  /** The config file read, if any. */
  configFile: string | undefined;
  /** The file's other sections (see CONFIG_FILE_SECTIONS). */
  sections: Record<string, unknown>;
}

/** Defaults < config file < code overrides < environment. Throws ConfigError on a bad value. */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const attempt = (step: () => void): void => {
    if (options.onError === undefined) return step();
    try {
      step();
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      options.onError(err);
    }
  };
  const config: PerformanceConfig = { ...DEFAULT_CONFIG };
  const explicit = options.configFile ?? env.TRANSCRIBER_PERF_CONFIG;
  const file = explicit !== undefined ? path.resolve(cwd, explicit) : path.join(cwd, CONFIG_FILE_NAME);
  const sections: Record<string, unknown> = {};
  let configFile: string | undefined;

  if (fs.existsSync(file)) {
    configFile = file;
    let values: Record<string, unknown> = {};
    attempt(() => (values = readConfigFile(file)));
    for (const [key, value] of Object.entries(values)) {
      if (CONFIG_FILE_SECTIONS.includes(key)) {
        sections[key] = value;
      } else if (key in CONFIG_FIELDS) {
        const field = key as keyof PerformanceConfig;
        attempt(() => ((config as unknown as Record<string, unknown>)[field] = parseField(field, value, file)));
      } else {
        attempt(() => {
          throw new ConfigError(
            `unknown field ${JSON.stringify(key)} in ${file}; known fields: ${Object.keys(CONFIG_FIELDS).join(', ')}`,
          );
        });
      }
    }
  } else if (explicit !== undefined) {
    attempt(() => {
      throw new ConfigError(`config file ${file} does not exist`);
    });
  }

  for (const [key, value] of Object.entries(options.overrides ?? {})) {
    if (value === undefined && key in CONFIG_FIELDS) continue;
    attempt(() => {
      if (!(key in CONFIG_FIELDS)) throw new ConfigError(`unknown field ${JSON.stringify(key)} in options`);
      (config as unknown as Record<string, unknown>)[key] = parseField(
        key as keyof PerformanceConfig,
        value,
        'options',
      );
    });
  }

  for (const field of Object.keys(CONFIG_FIELDS) as (keyof PerformanceConfig)[]) {
    const name = envNameOf(field);
    const raw = env[name];
    if (raw !== undefined && raw !== '')
      attempt(() => ((config as unknown as Record<string, unknown>)[field] = parseField(field, raw, name)));
  }
  const exportIntervalMs = env.OTEL_METRIC_EXPORT_INTERVAL;
  if (exportIntervalMs !== undefined && exportIntervalMs !== '') {
    attempt(() => {
      const ms = Number(exportIntervalMs);
      if (!Number.isFinite(ms) || ms <= 0) {
        throw new ConfigError(
          `invalid OTEL_METRIC_EXPORT_INTERVAL ${JSON.stringify(exportIntervalMs)}: expected milliseconds > 0`,
        );
      }
      config.metricExportInterval = ms / 1000;
    });
  }
  config.dataDir = path.resolve(cwd, config.dataDir);
  return { config, configFile, sections };
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`config file ${file} is not valid JSON: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`config file ${file} must hold a JSON object`);
  }
  return parsed as Record<string, unknown>;
}
