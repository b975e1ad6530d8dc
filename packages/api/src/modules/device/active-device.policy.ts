/**
 * What an "active device" is: a record that still stands for live hardware. Retired and wiped
 * records are history: Intune drops them (Graph `managementState`; "Retire or wipe devices"), this
 * gateway keeps them for their audit trail. The one definition, used by enrollment (which record of
 * the hardware to re-enroll, the DEM cap), the per-user device limit, check-ins (an ended record
 * cannot check in), the database's one-active-record-per-hardware indexes, bulk enrollment and the
 * corporate-identifier import; SQL gets it from {@link activeDeviceSql}.
 */
import { ManagementState } from './device.enums.js';

/** States that end management: the record is history, not a device that can check in or be counted. */
export const ENDED_STATES: readonly ManagementState[] = [ManagementState.retired, ManagementState.wiped];

/** States in which a record still stands for live hardware (every state that is not ended, pending actions included). */
export const ACTIVE_STATES: readonly ManagementState[] = Object.values(ManagementState).filter(
  (state) => !ENDED_STATES.includes(state),
);

/** Whether a record in `state` stands for live hardware. */
export function isActiveDevice(state: ManagementState): boolean {
  return !ENDED_STATES.includes(state);
}

/**
 * The SQL condition "the device is active" over a management-state column, e.g.
 * `"management_state" not in ('retired', 'wiped')`. Constant text (no parameters), so it can
 * serve in a partial index's predicate and in ON CONFLICT's index inference, which must match the
 * index's predicate.
 * @param column the column expression, quoted as the statement needs (default `"management_state"`)
 */
export function activeDeviceSql(column = '"management_state"'): string {
  return `${column} not in (${ENDED_STATES.map((state) => `'${state}'`).join(', ')})`;
}
