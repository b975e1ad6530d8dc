import { describe, expect, it } from 'vitest';
import { GRAPH_ENUMS, readGraphEnum } from './graph-enums.js';

describe('readGraphEnum', () => {
  it('recognizes every listed member exactly', () => {
    for (const [name, members] of Object.entries(GRAPH_ENUMS)) {
      for (const member of members) {
        expect(readGraphEnum(name as keyof typeof GRAPH_ENUMS, member)).toEqual({
          value: member,
          original: member,
          recognized: true,
        });
      }
    }
  });

  it('tells Graph’s own "unknown" apart from an unrecognized value', () => {
    expect(readGraphEnum('complianceState', 'unknown')).toEqual({
      value: 'unknown',
      original: 'unknown',
      recognized: true,
    });
    expect(readGraphEnum('complianceState', 'xyz')).toEqual({
      value: 'unknown',
      original: 'xyz',
      recognized: false,
    });
  });

  it('matches case-sensitively, as Graph spells its members', () => {
    expect(readGraphEnum('managedDeviceOwnerType', 'Company')).toEqual({
      value: 'unknown',
      original: 'Company',
      recognized: false,
    });
  });
});
