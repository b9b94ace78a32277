// Checkpoints committed in order, one transaction per group: while one commit runs, the
// checkpoints that arrive queue up and go together in the next. Each group's rows and its
// last state are one transaction, so a crash still loses only uncommitted checkpoints and
// duplicates nothing, and a slow disk no longer stalls the connector once per page.
import type { CommitCounts, ConnectorStateJson, WarehouseOperation } from '../warehouse/types.js';

/** What the committer needs: the destination's commit and a callback per committed group. */
export interface GroupCommitDeps {
  commit(operations: readonly WarehouseOperation[], state: ConnectorStateJson): Promise<CommitCounts>;
  /** Stages operations without committing them (Destination.stage: the warehouse's spill file); without it operations wait in memory for their checkpoint. */
  stage?(operations: readonly WarehouseOperation[]): Promise<void>;
  /** Operations that may wait for their checkpoint before they are staged (default 5,000). */
  stageRows?: number;
  /** Called after each group is committed with its checkpoints' states, oldest first. */
  committed(states: readonly ConnectorStateJson[], counts: CommitCounts): void | Promise<void>;
}

/** A queue of checkpoints committed in groups; see createGroupCommitter. */
export interface GroupCommitter {
  /** Queues a checkpoint: the operations since the previous one and its state. */
  checkpoint(operations: readonly WarehouseOperation[], state: ConnectorStateJson): void;
  /** Queues operations ahead of their checkpoint; past stageRows they are staged (written, not committed). */
  add(operations: readonly WarehouseOperation[]): void;
  /** Operations queued and not yet being committed. */
  queued(): number;
  /** Resolves when the running commit (if any) is done; use it to bound the queue. */
  idle(): Promise<void>;
  /** Resolves when everything queued is committed; rejects with the first commit error. */
  drain(): Promise<void>;
  /** The first commit error, once there is one. */
  failure(): unknown;
}

/**
 * Commits checkpoints in order, grouping those that arrive while a commit runs.
 *
 * @example
 * const committer = createGroupCommitter({ commit: (ops, state) => destination.commit(ops, state, new Date()), committed: (states) => log(states) });
 * committer.checkpoint(batch, { next_cursor: 'c1' }); await committer.drain();
 */
export function createGroupCommitter(deps: GroupCommitDeps): GroupCommitter {
  let operations: WarehouseOperation[] = [];
  let states: ConnectorStateJson[] = [];
  let running: Promise<void> | undefined;
  let error: unknown;
  let failed = false;

  const stageRows = deps.stageRows ?? 5000;
  let draining = false;
  const stageable = () => deps.stage !== undefined && operations.length > 0 && (draining || operations.length >= stageRows);
  const pump = async () => {
    while ((states.length > 0 || stageable()) && !failed) {
      if (states.length === 0) {
        const batch = operations;
        operations = [];
        try {
          await deps.stage!(batch);
        } catch (caught) {
          failed = true;
          error = caught;
        }
        continue;
      }
      const group = { operations, states };
      operations = [];
      states = [];
      try {
        const counts = await deps.commit(group.operations, group.states[group.states.length - 1]!);
        await deps.committed(group.states, counts);
      } catch (caught) {
        failed = true;
        error = caught;
      }
    }
    running = undefined;
  };

  return {
    checkpoint(batch, state) {
      for (const operation of batch) operations.push(operation);
      states.push(state);
      running ??= pump();
    },
    add(batch) {
      for (const operation of batch) operations.push(operation);
      if (stageable()) running ??= pump();
    },
    queued: () => operations.length,
    idle: async () => {
      await running;
    },
    async drain() {
      // Operations added after the last checkpoint are staged too, for the final commit to take.
      draining = true;
      if (stageable()) running ??= pump();
      while (running !== undefined) await running;
      if (failed) throw error;
    },
    failure: () => (failed ? (error ?? new Error('A commit failed.')) : undefined),
  };
}
