// The code version a result came from: the package version, and the git commit when the code runs
// from a git checkout (with whether tracked files had uncommitted changes).

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CodeVersion {
  package: string;
  /** full commit hash; null outside a git checkout or without git */
  commit: string | null;
  /** tracked files differ from the commit; null when the commit is unknown */
  dirty: boolean | null;
}

let cached: CodeVersion | undefined;

export function codeVersion(): CodeVersion {
  if (cached) return cached;
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  let commit: string | null = null;
  let dirty: boolean | null = null;
  if (existsSync(`${ROOT}/.git`)) {
    const git = (...args: string[]) => execFileSync('git', ['-C', ROOT, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim();
    try {
      commit = git('rev-parse', 'HEAD');
      dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
    } catch {
      // no git on PATH, or not a work tree: the package version alone
    }
  }
  cached = { package: pkg.version, commit, dirty };
  return cached;
}

export function versionLine(v: CodeVersion = codeVersion()): string {
  const at = v.commit ? ` (git ${v.commit.slice(0, 12)}${v.dirty ? ', with uncommitted changes' : ''})` : '';
  return `dendrite-lab ${v.package}${at}`;
}
