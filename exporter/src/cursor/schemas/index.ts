/** Raw Cursor API response schemas and types (one module per endpoint). */
export * from './common';
export * from './members';
export * from './spend';
export * from './daily-usage';
export * from './usage-events';
export * from './groups';
export * from './analytics';
