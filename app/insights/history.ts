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

/** The history store. */
export interface History {
  add(report: Report): void;
  /** Newest first. */
  list(): Report[];
  get(id: string): Report | undefined;
  close(): void;
}

/**
 * Opens (or creates) the history database.
 * @example const history = openHistory('files/insights.db'); history.list()
 */
export function openHistory(path: string): History {
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
  const columns = 'id, created_at AS createdAt, focus, focus_label AS focusLabel, provider, model, title, markdown';
  const insert = db.prepare('INSERT INTO reports (id, created_at, focus, focus_label, provider, model, title, markdown) VALUES (@id, @createdAt, @focus, @focusLabel, @provider, @model, @title, @markdown)');
  const list = db.prepare(`SELECT ${columns} FROM reports ORDER BY created_at DESC, seq DESC`);
  const get = db.prepare(`SELECT ${columns} FROM reports WHERE id = ?`);
  return {
    add: (report) => void insert.run(report),
    list: () => list.all() as Report[],
    get: (id) => get.get(id) as Report | undefined,
    close: () => db.close(),
  };
}
