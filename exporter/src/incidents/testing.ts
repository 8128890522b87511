/** Test-only builders shared by the incidents, digests and detection-cycle tests. */
import type { Finding } from '../detect/types';

export function finding(over: Partial<Finding> = {}): Finding {
  const email = over.email === undefined ? 'alice@example.com' : over.email;
  const detector = over.detector ?? 'spend_spike';
  return {
    detector,
    severity: 'warning',
    subject: 'user',
    email,
    groupId: 'group_eng',
    groupName: 'Eng',
    models: ['claude-4-opus'],
    day: '2026-03-10',
    value: 214,
    baseline: 51,
    threshold: 255,
    unit: 'usd',
    notify: true,
    onsetMs: Date.parse('2026-03-10T09:00:00Z'),
    message: 'Alice: daily spend spiked to $214 (4.2× her 7-day avg of $51)',
    key: `${detector}:${email ?? over.groupId ?? 'team'}`,
    ...over,
  };
}
