import { FieldType } from '@grafana/data';
import { incidentAnnotations, mergeFrames, toDataFrame } from './frames';

const INCIDENT_COLUMNS = [
  'id',
  'detected',
  'onset',
  'detector',
  'severity',
  'status',
  'email',
  'group',
  'message',
  'resolved',
].map((name) => ({
  name,
  type: ['detected', 'onset', 'resolved'].includes(name)
    ? ('time' as const)
    : name === 'id'
      ? ('number' as const)
      : ('string' as const),
}));

describe('incidentAnnotations', () => {
  test('a resolved incident is a region from onset to resolution; an open one a point', () => {
    const frame = toDataFrame(
      {
        columns: INCIDENT_COLUMNS,
        rows: [
          {
            id: 2,
            detected: 5000,
            onset: 1000,
            detector: 'spend_spike',
            severity: 'critical',
            status: 'resolved',
            email: 'a@x.io',
            group: 'Eng',
            message: 'A spent 8× her average',
            resolved: 9000,
          },
          {
            id: 1,
            detected: 7000,
            onset: null,
            detector: 'team_budget',
            severity: 'warning',
            status: 'detected',
            email: null,
            group: null,
            message: 'team at 104% of budget',
            resolved: null,
          },
        ],
      },
      'Anno'
    );
    expect(incidentAnnotations([frame])).toEqual([
      {
        time: 1000,
        timeEnd: 9000,
        isRegion: true,
        title: 'spend_spike (critical, resolved)',
        text: 'A spent 8× her average',
        tags: ['spend_spike', 'critical', 'a@x.io', 'Eng'],
      },
      {
        time: 7000,
        timeEnd: undefined,
        isRegion: false,
        title: 'team_budget (warning, detected)',
        text: 'team at 104% of budget',
        tags: ['team_budget', 'warning'],
      },
    ]);
  });
});

describe('frames', () => {
  test('columns map to typed fields with units; meta is kept', () => {
    const f = toDataFrame(
      {
        columns: [
          { name: 'email', type: 'string' },
          { name: 'spend_usd', type: 'number', unit: 'currencyUSD' },
        ],
        rows: [{ email: 'a', spend_usd: 1.5 }],
        meta: { total: 3 },
      },
      'A'
    );
    expect(f.fields.map((x) => [x.name, x.type, x.config.unit, x.values])).toEqual([
      ['email', FieldType.string, undefined, ['a']],
      ['spend_usd', FieldType.number, 'currencyUSD', [1.5]],
    ]);
    expect(f.meta?.custom).toEqual({ total: 3 });
  });

  test('fan-out: tables concatenate, time series stay one frame per value', () => {
    const table = (email: string) => ({ columns: [{ name: 'email', type: 'string' as const }], rows: [{ email }] });
    expect(
      mergeFrames(
        [
          { frame: table('a'), label: 'user=a' },
          { frame: table('b'), label: 'user=b' },
        ],
        'A'
      ).map((f) => f.fields[0].values)
    ).toEqual([['a', 'b']]);
    const series = {
      columns: [
        { name: 'time', type: 'time' as const },
        { name: 'team', type: 'number' as const },
      ],
      rows: [{ time: 1, team: 2 }],
    };
    expect(
      mergeFrames(
        [
          { frame: series, label: 'user=a' },
          { frame: series, label: 'user=b' },
        ],
        'A'
      ).map((f) => f.name)
    ).toEqual(['user=a', 'user=b']);
  });
});
