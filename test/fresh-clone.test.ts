import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir, removeTempDirs } from './helpers/tempDir';

// A new user's first commands (issue 14): on a fresh clone, `npm run setup` installs before it
// builds, so npm links the `transcriber` bin only if its file is in the repository, not in dist/.
// Once it was not, `npx transcriber` fell through to the public registry. This runs the README's
// `npx transcriber --version` in a checkout laid out as a fresh clone's: the repository's tracked
// files, installed from npm's cache before anything is built, then given the build's output.

const ROOT = path.resolve(__dirname, '..');
const WORKSPACES = ['examples/voice-agent', ...fs.readdirSync(path.join(ROOT, 'packages')).map((p) => `packages/${p}`)];

function run(command: string, args: string[], cwd: string) {
  return spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    // From npm's cache only: a name npm cannot find locally must fail here, not be downloaded.
    env: { ...process.env, npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false' },
    timeout: 240_000,
  });
}

describe('a fresh clone', () => {
  const clone = makeTempDir('transcriber-fresh-clone-');
  let install: ReturnType<typeof run>;

  beforeAll(() => {
    // The tracked files, as a clone has them (working-tree contents, so uncommitted work is tested).
    const files = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT }).toString('utf8').split('\0').filter(Boolean);
    for (const file of files) {
      const from = path.join(ROOT, file);
      if (!fs.existsSync(from)) continue; // deleted in the working tree
      fs.mkdirSync(path.dirname(path.join(clone, file)), { recursive: true });
      fs.copyFileSync(from, path.join(clone, file));
      fs.chmodSync(path.join(clone, file), fs.statSync(from).mode);
    }
    const git = (...args: string[]) => execFileSync('git', args, { cwd: clone, stdio: 'ignore' });
    git('init', '-q');
    git('add', '-A');
    git('-c', 'user.name=test', '-c', 'user.email=test@example.invalid', 'commit', '-qm', 'clone');

    // Installed before anything is built, as `npm run setup` does (scripts off: no native build needed).
    install = run('npm', ['install', '--ignore-scripts'], clone);
    // Then the build's output (what `npm run build` makes), taken from this checkout's build.
    for (const workspace of WORKSPACES) {
      const dist = path.join(ROOT, workspace, 'dist');
      if (fs.existsSync(dist)) fs.cpSync(dist, path.join(clone, workspace, 'dist'), { recursive: true });
    }
  });

  afterAll(removeTempDirs);

  it('installs with the committed lockfile, leaving git status clean', () => {
    expect(install.stderr).not.toMatch(/npm error/);
    expect(install.status).toBe(0);
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: clone, encoding: 'utf8' })).toBe('');
  });

  it.each(['.', 'examples/voice-agent'])('runs `npx transcriber --version` from %s', (dir) => {
    const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'packages/cli/package.json'), 'utf8')).version;
    const result = run('npx', ['transcriber', '--version'], path.join(clone, dir));
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe(version);
    expect(result.status).toBe(0);
  });

  it('says how to build when the CLI is not built yet, in one line', () => {
    fs.rmSync(path.join(clone, 'packages/cli/dist'), { recursive: true, force: true });
    const result = run('npx', ['transcriber', '--version'], clone);
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/not built yet.*npm run build/);
  });
});
