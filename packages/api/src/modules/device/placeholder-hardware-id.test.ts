import { describe, expect, it } from 'vitest';
import { canonicalHardwareId, isPlaceholderHardwareId } from './placeholder-hardware-id.js';

describe('isPlaceholderHardwareId', () => {
  it.each([
    'Default string',
    'DEFAULT STRING',
    'To be filled by O.E.M.',
    'To Be Filled By OEM',
    'System Serial Number',
    'Chassis Serial Number',
    'Not Specified',
    'N/A',
    'None',
    '0',
    '00000000',
    '000000000000000',
    'XXXXXXXXXX',
    'ffffffff',
    '0123456789',
    '   ',
    '...',
  ])('refuses the firmware placeholder %j', (value) => {
    expect(isPlaceholderHardwareId(value)).toBe(true);
  });

  it.each([
    'C02ZX1ABMD6T',
    'c02zx1abmd6t',
    'K9W3XH2M7Q',
    '352099001761481',
    'PF-1A2B3C',
    '5CG0123XYZ',
    '00000001',
  ])('accepts the real-looking identifier %j', (value) => {
    expect(isPlaceholderHardwareId(value)).toBe(false);
  });

  it('compares in a canonical form without case, spaces or punctuation', () => {
    expect(canonicalHardwareId('To be filled by O.E.M.')).toBe('tobefilledbyoem');
  });
});
