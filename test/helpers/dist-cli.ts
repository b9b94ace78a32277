/**
 * Runs the compiled CLIs (bin/*.js, which import dist/) as child processes without tap's
 * coverage loader.
 *
 * Under tap, @tapjs/processinfo hooks every spawn of the test process and puts its loader
 * (`--import=…/@tapjs/processinfo/…/import.mjs`) into the child's NODE_OPTIONS, whatever env
 * the test passes. A child that runs dist/ then starts a module-hook thread and V8 precise
 * coverage, writes a coverage file of several MB, and tap drops it: dist/ and bin/ are
 * excluded from the report (.taprc coverage-exclude). That costs CPU at every child start
 * (measured in docs/testing.md "Coverage of child processes"). So these children are started
 * through `env`, which runs node with NODE_OPTIONS stripped of the loader; the hook only sees
 * the `env` process. Children that run the TypeScript sources (`node --import tsx …`) keep
 * spawning node directly and keep their coverage.
 *
 * Outside tap (no loader in NODE_OPTIONS) node is started directly, as before.
 *
 * @example
 * spawnSync(DIST_NODE, distArgs([MOCK_BIN, '--version']), { encoding: 'utf8' });
 */

const LOADER = /@tapjs[\\/]processinfo/;

/** NODE_OPTIONS without tap's processinfo loader (`--import=…` or `--loader …` forms). */
export function withoutLoader(nodeOptions: string): string {
  const parts = nodeOptions.match(/(?:[^\s"]+|"[^"]*")+/g) ?? [];
  const kept: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (LOADER.test(part)) continue;
    if (/^(?:--import|--loader|--experimental-loader)$/.test(part.replace(/"/g, '')) && LOADER.test(parts[i + 1] ?? '')) {
      i++;
      continue;
    }
    kept.push(part);
  }
  return kept.join(' ');
}

/** The argv prefix that starts node without the loader, or none when the loader is not set. */
export function distPrefix(nodeOptions: string | undefined, execPath: string, platform: NodeJS.Platform): string[] {
  if (!nodeOptions || !LOADER.test(nodeOptions) || platform === 'win32') return [];
  const rest = withoutLoader(nodeOptions);
  return rest ? [`NODE_OPTIONS=${rest}`, execPath] : ['-u', 'NODE_OPTIONS', execPath];
}

const PREFIX = distPrefix(process.env.NODE_OPTIONS, process.execPath, process.platform);

/** The command that runs a compiled CLI: `env` under tap's coverage loader, node otherwise. */
export const DIST_NODE = PREFIX.length ? 'env' : process.execPath;

/** The arguments for DIST_NODE: node's arguments (the bin and its flags) behind the `env` prefix. */
export function distArgs(args: string[]): string[] {
  return [...PREFIX, ...args];
}
