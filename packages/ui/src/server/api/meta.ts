import * as fs from 'node:fs';
import { BENCHMARK_SERVICE_NAME } from '@transcriber/instrumentation/names';
import { DATABASE_NAMES, databasePath } from '@transcriber/storage/files';
import type { MetaResponse } from '../../shared/apiTypes';
import type { ApiHandler } from '../apiHandler';
import { packageVersion } from '../packageRoot';

/** `/api/meta`: the data directory, which databases exist, the version and the service rule. */
export const metaApi: ApiHandler = {
  params: [],
  handle({ dataDir }): MetaResponse {
    return {
      dataDir,
      version: packageVersion(),
      nowUs: Date.now() * 1000,
      databases: DATABASE_NAMES.map((name) => {
        const file = databasePath(dataDir, name);
        return { name, file, exists: fs.existsSync(file) };
      }),
      benchmarkService: BENCHMARK_SERVICE_NAME,
    };
  },
};
