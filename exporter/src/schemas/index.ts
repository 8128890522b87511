/** The API's schemas and types: imported by the routes and by the Grafana datasource plugin. */
export * from './common';
export * from './series';
export * from './tables';
export * from './groups';
export * from './incidents';
export * from './health';
