import { describe, expect, it } from 'vitest';
import { buildGatewaySchema } from '../../schema/build-schema.js';
import { sharedResultFields } from './shared-results.js';

describe('result sharing declared on the schema', () => {
  it('is declared on the event subscriptions and not on fleetStats, whose new subscribers get the counts first', async () => {
    const schema = await buildGatewaySchema();
    const subscriptions = Object.keys(schema.getSubscriptionType()!.getFields());
    const shared = sharedResultFields(schema);
    expect([...shared].sort()).toEqual([
      'certificateExpired',
      'certificateExpiring',
      'certificateRenewed',
      'deviceCheckedIn',
      'deviceEnrolled',
      'deviceRemoved',
      'deviceUpdated',
      'importCompleted',
    ]);
    expect(subscriptions).toContain('fleetStats');
    expect(shared.has('fleetStats')).toBe(false);
  });
});
