import { describe, expect, it } from 'vitest';
import { ManagementState } from './device.enums.js';
import { ACTIVE_STATES, activeDeviceSql, ENDED_STATES, isActiveDevice } from './active-device.policy.js';

describe('active device policy', () => {
  it('counts a device with a pending retire, wipe or delete as active: the hardware is still out there', () => {
    expect([...ACTIVE_STATES].sort()).toEqual(
      [
        ManagementState.managed,
        ManagementState.retirePending,
        ManagementState.wipePending,
        ManagementState.deletePending,
      ].sort(),
    );
    expect(isActiveDevice(ManagementState.wipePending)).toBe(true);
  });

  it('treats retired and wiped records as history', () => {
    expect(ENDED_STATES).toEqual([ManagementState.retired, ManagementState.wiped]);
    expect(isActiveDevice(ManagementState.retired)).toBe(false);
    expect(isActiveDevice(ManagementState.wiped)).toBe(false);
  });

  it('puts every state in exactly one of the two sets', () => {
    for (const state of Object.values(ManagementState))
      expect(ACTIVE_STATES.includes(state)).not.toBe(ENDED_STATES.includes(state));
  });

  it('writes the SQL condition the partial unique indexes were created with', () => {
    expect(activeDeviceSql()).toBe(`"management_state" not in ('retired', 'wiped')`);
    expect(activeDeviceSql('d.management_state')).toBe(`d.management_state not in ('retired', 'wiped')`);
  });
});
