/** The datasource instance both harness pages create, as Grafana would provision it: reached through Grafana's data proxy. */
export const DATASOURCE = {
  id: 1,
  uid: 'cursor-usage',
  name: 'Cursor usage',
  type: 'cursorusagestack-cursorusage-datasource',
  access: 'proxy',
  url: '/api/datasources/proxy/uid/cursor-usage',
} as const;
