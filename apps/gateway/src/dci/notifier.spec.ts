import { eventTypeOf } from './notifier';

describe('eventTypeOf', () => {
  const state = (ids: string[]) => ({ members: ids.map((personId) => ({ personId })) }) as never;
  it('names a first registration, a member added, and any other change', () => {
    expect(eventTypeOf({ before: null, after: state(['a']) })).toBe('REGISTER');
    expect(eventTypeOf({ before: state(['a']), after: state(['a', 'b']) })).toBe('NewHouseHoldMember');
    expect(eventTypeOf({ before: state(['a', 'b']), after: state(['a']) })).toBe('UPDATE');
    expect(eventTypeOf({ before: state(['a']), after: state(['a']) })).toBe('UPDATE');
  });
});
