import { setTemplateSrv } from '@grafana/runtime';
import { FakeTemplateSrv, variable } from '../test/grafana-fakes';
import { expandField, expandParams, MAX_FANOUT } from './interpolate';

const people = [
  { text: 'Ada', value: 'ada@x.io' },
  { text: 'Bo', value: 'bo@x.io' },
  { text: 'Cy', value: 'cy@x.io' },
];
const groups = [
  { text: 'Eng', value: 'g_eng' },
  { text: 'Ops', value: 'g_ops' },
];

function withVariables(...vars: Array<Parameters<typeof variable>>) {
  setTemplateSrv(new FakeTemplateSrv(vars.map((v) => variable(...v))));
}

describe('expandField', () => {
  test('plain text and unknown variables stay as written', () => {
    withVariables();
    expect(expandField('ada@x.io')).toEqual(['ada@x.io']);
    expect(expandField('$nope')).toEqual(['$nope']);
  });

  test('$var, ${var} and [[var]] take the single value', () => {
    withVariables(['user', people, 'bo@x.io']);
    expect(expandField('$user')).toEqual(['bo@x.io']);
    expect(expandField('${user}')).toEqual(['bo@x.io']);
    expect(expandField('[[user]]')).toEqual(['bo@x.io']);
  });

  test('a multi-value variable gives one value each; text around it is kept', () => {
    withVariables(['group', groups, ['g_eng', 'g_ops'], { multi: true }]);
    expect(expandField('$group')).toEqual(['g_eng', 'g_ops']);
    expect(expandField('parent:$group')).toEqual(['parent:g_eng', 'parent:g_ops']);
  });

  test('"All" (or an empty value) means no filter', () => {
    withVariables(['user', people, '$__all', { multi: true }], ['group', groups, '']);
    expect(expandField('$user')).toEqual([]);
    expect(expandField('$group')).toEqual([]);
  });

  test('repeat-panel scoped values win over the dashboard value', () => {
    withVariables(['user', people, 'bo@x.io']);
    expect(expandField('$user', { user: { text: 'Cy', value: 'cy@x.io' } })).toEqual(['cy@x.io']);
  });
});

describe('expandParams', () => {
  test('numbers pass through; empty and All fields are dropped', () => {
    withVariables(['user', people, '$__all']);
    expect(expandParams({ limit: 5, user: '$user', group: '', model: undefined })).toEqual([{ limit: 5 }]);
  });

  test('several multi-value fields give every combination', () => {
    withVariables(
      ['user', people, ['ada@x.io', 'bo@x.io'], { multi: true }],
      ['group', groups, ['g_eng', 'g_ops'], { multi: true }]
    );
    expect(expandParams({ user: '$user', group: '$group', limit: 3 })).toEqual([
      { user: 'ada@x.io', group: 'g_eng', limit: 3 },
      { user: 'ada@x.io', group: 'g_ops', limit: 3 },
      { user: 'bo@x.io', group: 'g_eng', limit: 3 },
      { user: 'bo@x.io', group: 'g_ops', limit: 3 },
    ]);
  });

  test(`more than ${MAX_FANOUT} requests is refused`, () => {
    const many = Array.from({ length: 5 }, (_, i) => ({ text: `u${i}`, value: `u${i}@x.io` }));
    const gs = Array.from({ length: 5 }, (_, i) => ({ text: `g${i}`, value: `g${i}` }));
    withVariables(
      ['user', many, many.map((m) => m.value), { multi: true }],
      ['group', gs, gs.map((g) => g.value), { multi: true }]
    );
    expect(() => expandParams({ user: '$user', group: '$group' })).toThrow(/more than 20 requests/);
  });
});
