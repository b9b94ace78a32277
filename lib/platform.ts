/**
 * What differs between the laptops a room brings (Linux, macOS, Windows), as pure
 * functions of the platform: the caller passes `process.platform` (and the environment),
 * tests pass any platform. Paths are built with the path flavour of that platform
 * (`path.win32` for Windows), so a Linux CI checks the Windows answers too.
 */
import { posix, win32 } from 'node:path';

/** The platforms the kit knows apart; anything else is treated as POSIX. */
export type Platform = NodeJS.Platform;

/** The path module of a platform: `path.win32` on Windows, `path.posix` elsewhere. */
export function pathFor(platform: Platform): typeof posix {
  return platform === 'win32' ? win32 : posix;
}

/**
 * The Python of a virtual environment: `Scripts\python.exe` on Windows, `bin/python` elsewhere.
 *
 * @example
 * venvPython('C:\\lab\\.venv', 'win32') // 'C:\\lab\\.venv\\Scripts\\python.exe'
 * venvPython('/lab/.venv', 'linux')     // '/lab/.venv/bin/python'
 */
export function venvPython(venvDir: string, platform: Platform): string {
  return platform === 'win32' ? win32.join(venvDir, 'Scripts', 'python.exe') : posix.join(venvDir, 'bin', 'python');
}

/**
 * Where a Chromium (or a Chromium-based Chrome or Edge, which playwright-core drives the
 * same way) is usually installed, most likely first. Nothing is downloaded: the kit only
 * uses a browser already on the machine.
 *
 * @example chromiumCandidates('linux', {})[0] // '/usr/bin/chromium'
 */
export function chromiumCandidates(platform: Platform, env: Readonly<Record<string, string | undefined>>): string[] {
  if (platform === 'darwin') {
    const home = env.HOME;
    const apps = ['Chromium.app/Contents/MacOS/Chromium', 'Google Chrome.app/Contents/MacOS/Google Chrome', 'Microsoft Edge.app/Contents/MacOS/Microsoft Edge'];
    return [...apps.map((app) => posix.join('/Applications', app)), ...(home ? apps.map((app) => posix.join(home, 'Applications', app)) : [])];
  }
  if (platform === 'win32') {
    const roots = [env.LOCALAPPDATA, env.PROGRAMFILES, env['PROGRAMFILES(X86)']].filter((root): root is string => root !== undefined && root !== '');
    const exes = [['Chromium', 'Application', 'chrome.exe'], ['Google', 'Chrome', 'Application', 'chrome.exe'], ['Microsoft', 'Edge', 'Application', 'msedge.exe']];
    return exes.flatMap((parts) => roots.map((root) => win32.join(root, ...parts)));
  }
  return ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/snap/bin/chromium', '/usr/bin/google-chrome'];
}

/**
 * The first candidate for which `exists` holds, or undefined.
 *
 * @example findChromium('linux', {}, (p) => p === '/snap/bin/chromium') // '/snap/bin/chromium'
 */
export function findChromium(platform: Platform, env: Readonly<Record<string, string | undefined>>, exists: (path: string) => boolean): string | undefined {
  return chromiumCandidates(platform, env).find(exists);
}

/** How to start a child whose whole tree must be ended later, and how to end it. */
export interface ProcessTreeStrategy {
  /**
   * POSIX: true, so the child leads its own process group and `kill(-pid)` reaches its
   * children. Windows: false, since `detached` there opens a new console window per child.
   */
  detached: boolean;
  /** Windows: no console window flashes up for a background child. */
  windowsHide: boolean;
  /**
   * The command that ends the tree of `pid`: none on POSIX (signal the group, then the
   * child), `taskkill /pid PID /T /F` on Windows, where signals do not reach children.
   */
  killTree(pid: number): { command: string; args: string[] } | undefined;
}

/**
 * The strategy for a platform.
 *
 * @example processTreeStrategy('win32').killTree(42) // { command: 'taskkill', args: ['/pid', '42', '/T', '/F'] }
 */
export function processTreeStrategy(platform: Platform): ProcessTreeStrategy {
  if (platform === 'win32') return { detached: false, windowsHide: true, killTree: (pid) => ({ command: 'taskkill', args: ['/pid', String(pid), '/T', '/F'] }) };
  return { detached: true, windowsHide: false, killTree: () => undefined };
}

/**
 * The npm package that holds DuckDB's native binding for a platform and CPU (an optional
 * dependency of `@duckdb/node-bindings`: npm installs only the machine's own, so a bundle
 * carries only its own too). Alpine and other musl Linuxes have their own packages.
 *
 * @example duckdbBindingPackage('darwin', 'arm64') // '@duckdb/node-bindings-darwin-arm64'
 */
export function duckdbBindingPackage(platform: Platform, arch: string, libc: 'glibc' | 'musl' = 'glibc'): string {
  return `@duckdb/node-bindings-${platform}-${arch}${platform === 'linux' && libc === 'musl' ? '-musl' : ''}`;
}
