export * from './record.js';
export * from './page.js';
export * from './errors.js';
export * from './admin.js';
