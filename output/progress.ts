// Terminal output shared by hed-connector and hed-tester (the tester-style log lines, the live
// status line, the SYNC PROGRESS table and the Sync SUCCEEDED/FAILED end): one owner, imported by both.
/** Where the runner writes: a stream with an optional TTY flag (process.stdout fits). */
export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Log lines plus one live status line; see createProgress. */
export interface Progress {
  /** One log line, `<ISO time> <LEVEL> <message>`, greppable. */
  log(level: 'INFO' | 'WARNING' | 'SEVERE', message: string): void;
  /** Raw lines with no prefix (the SYNC PROGRESS table). */
  raw(lines: string): void;
  /** The live status: redrawn in place on a terminal, a plain `Progress:` line otherwise. */
  status(message: string): void;
  /** Clears the live line before the summary. */
  done(): void;
}

/**
 * Tester-style output. On a terminal the status line is redrawn in place and kept under
 * the log lines; elsewhere (pipes, CI, files) every status is a plain line, so nothing
 * depends on escape codes.
 *
 * @example
 * const p = createProgress(process.stdout, () => Date.now()); p.log('INFO', 'Previous state: {}');
 */
export function createProgress(out: Output, now: () => number): Progress {
  const live = out.isTTY === true;
  let current = '';
  const clear = () => {
    if (live && current !== '') out.write('\r\x1b[2K');
  };
  const redraw = () => {
    if (live && current !== '') out.write(current);
  };
  return {
    log(level, message) {
      clear();
      out.write(`${new Date(now()).toISOString()} ${level} ${message}\n`);
      redraw();
    },
    raw(lines) {
      clear();
      out.write(lines.endsWith('\n') ? lines : `${lines}\n`);
      redraw();
    },
    status(message) {
      if (live) {
        clear();
        current = `\u27f3 ${message}`;
        redraw();
      } else {
        out.write(`${new Date(now()).toISOString()} INFO Progress: ${message}\n`);
      }
    },
    done() {
      clear();
      current = '';
    },
  };
}

/** Counters of the SYNC PROGRESS table. */
export interface SyncCounts {
  upserts: number;
  updates: number;
  deletes: number;
  truncates: number;
  schemaChanges: number;
  checkpoints: number;
}

/**
 * The tester's summary table.
 *
 * @example
 * formatSyncProgress({ upserts: 600, updates: 0, deletes: 0, truncates: 0, schemaChanges: 1, checkpoints: 7 })
 * // 'SYNC PROGRESS:\nOperation       | Calls\n----------------+------------\nUpserts         | 600\n...'
 */
export function formatSyncProgress(counts: SyncCounts): string {
  const rows: [string, number][] = [
    ['Upserts', counts.upserts],
    ['Updates', counts.updates],
    ['Deletes', counts.deletes],
    ['Truncates', counts.truncates],
    ['SchemaChanges', counts.schemaChanges],
    ['Checkpoints', counts.checkpoints],
  ];
  return [
    'SYNC PROGRESS:',
    'Operation       | Calls',
    '----------------+------------',
    ...rows.map(([name, value]) => `${name.padEnd(16)}| ${value}`),
  ].join('\n');
}

/**
 * Adds what one warehouse commit wrote to the run's counters (checkpoints are counted by
 * the runner, which knows how many states a commit carried).
 *
 * @example
 * addCommitCounts(counts, await destination.commit(operations, state, new Date()));
 */
export function addCommitCounts(counts: SyncCounts, written: Omit<SyncCounts, 'checkpoints'>): void {
  counts.upserts += written.upserts;
  counts.updates += written.updates;
  counts.deletes += written.deletes;
  counts.truncates += written.truncates;
  counts.schemaChanges += written.schemaChanges;
}

/**
 * Ends a run as the tester does: the live line cleared, the SYNC PROGRESS table, then
 * `Sync SUCCEEDED` or `Sync FAILED: <reason>`. Returns whether the sync succeeded.
 *
 * @example
 * const ok = reportSyncEnd(progress, counts, reason); // reason undefined → SUCCEEDED
 */
export function reportSyncEnd(progress: Progress, counts: SyncCounts, reason: string | undefined): boolean {
  progress.done();
  progress.raw(formatSyncProgress(counts));
  if (reason === undefined) {
    progress.log('INFO', 'Sync SUCCEEDED');
    return true;
  }
  progress.log('SEVERE', `Sync FAILED: ${reason}`);
  return false;
}
