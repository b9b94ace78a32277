/**
 * Insights History: every report, kept in SQLite (`--insights-db`, default
 * `files/insights.db`) so it survives restarts (the lab's app forgot it on reload).
 * Statements are prepared once; the schema is created idempotently; WAL on.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/** A saved report. */
export interface Report {
  id: string;
  /** ISO 8601 UTC. */
  createdAt: string;
  focus: string;
  focusLabel: string;
  provider: string;
  model: string;
  title: string;
  markdown: string;
}

/**
 * Reports kept at most (a report is a few kilobytes of Markdown: the cap keeps the file
 * under ~10 MB); saving one more deletes the oldest.
 */
export const HISTORY_KEPT_MAX = 1000;

/** The history store. */
export interface History {
  /** Saves a report of a vertical's app (StudentSuccess's, `hed`, unless named), then deletes the oldest beyond the cap. */
  add(report: Report, vertical?: string): void;
  /** Deletes one report; false when there was none with this id. */
  remove(id: string): boolean;
  /** A vertical's reports (StudentSuccess's, `hed`, unless named), newest first. */
  list(vertical?: string): Report[];
  /** The vertical a report belongs to (`hed`, `agr`, ...). */
  verticalOf(id: string): string | undefined;
  get(id: string): Report | undefined;
  close(): void;
}

/**
 * Opens (or creates) the history database.
 * @example const history = openHistory('files/insights.db'); history.list()
 */
export function openHistory(path: string, options: { keptMax?: number } = {}): History {
  const keptMax = options.keptMax ?? HISTORY_KEPT_MAX;
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec(`CREATE TABLE IF NOT EXISTS reports (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    focus TEXT NOT NULL,
    focus_label TEXT NOT NULL,
    provider TEXT NOT NULL,
    model TEXT NOT NULL,
    title TEXT NOT NULL,
    markdown TEXT NOT NULL
  )`);
  // Files from before the fifteen verticals hold only StudentSuccess reports.
  const hasVertical = (db.prepare('PRAGMA table_info(reports)').all() as { name: string }[]).some((c) => c.name === 'vertical');
  if (!hasVertical) db.exec("ALTER TABLE reports ADD COLUMN vertical TEXT NOT NULL DEFAULT 'hed'");
  const columns = 'id, created_at AS createdAt, focus, focus_label AS focusLabel, provider, model, title, markdown';
  const insert = db.prepare(
    'INSERT INTO reports (id, created_at, focus, focus_label, provider, model, title, markdown, vertical) VALUES (@id, @createdAt, @focus, @focusLabel, @provider, @model, @title, @markdown, @vertical)',
  );
  const list = db.prepare(`SELECT ${columns} FROM reports WHERE vertical = ? ORDER BY created_at DESC, seq DESC`);
  const verticalOf = db.prepare('SELECT vertical FROM reports WHERE id = ?');
  const get = db.prepare(`SELECT ${columns} FROM reports WHERE id = ?`);
  const remove = db.prepare('DELETE FROM reports WHERE id = ?');
  const trim = db.prepare('DELETE FROM reports WHERE seq NOT IN (SELECT seq FROM reports ORDER BY created_at DESC, seq DESC LIMIT ?)');
  const addAndTrim = db.transaction((report: Report, vertical: string) => {
    insert.run({ ...report, vertical });
    trim.run(keptMax);
  });
  return {
    add: (report, vertical = 'hed') => addAndTrim(report, vertical),
    remove: (id) => remove.run(id).changes > 0,
    list: (vertical = 'hed') => list.all(vertical) as Report[],
    verticalOf: (id) => (verticalOf.get(id) as { vertical: string } | undefined)?.vertical,
    get: (id) => get.get(id) as Report | undefined,
    close: () => db.close(),
  };
}
