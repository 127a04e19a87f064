import { readFlameGraph } from '@transcriber/profiler/flame';
import { profileDetail } from '@transcriber/queries';
import type { FlameResponse } from '../../shared/apiTypes';
import type { ApiHandler } from '../apiHandler';
import { read } from '../dataAccess';
import { HttpError } from '../httpError';
import { profileIdOf } from './profileId';

/**
 * `/api/profiles/<id>/flame`: the flame graph of a profile's `.cpuprofile` file, each frame's time
 * by component, the instrumentation's frames apart. 404 when the file is gone (or was not written).
 */
export const flameApi: ApiHandler = {
  params: [],
  handle({ dataDir, match }): FlameResponse {
    const id = profileIdOf(match[0]);
    const profile = read(dataDir, 'profile_results', (db) => profileDetail(db, id));
    if (profile === undefined) throw new HttpError(404, `no profile ${id} in ${dataDir}`);
    if (profile.cpuProfilePath === null) throw new HttpError(404, `profile ${id} has no .cpuprofile file`);
    const file = readFlameGraph(profile.cpuProfilePath);
    if (file.state !== 'ok') throw new HttpError(404, file.message, file.state);
    return file.graph;
  },
};
