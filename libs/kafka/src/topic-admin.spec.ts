import { partitionPositions } from './topic-admin';

describe('partitionPositions', () => {
  it('counts from the committed offset, or from the log start when the group never committed', () => {
    const ends = [
      { partition: 0, high: '100', low: '0' },
      { partition: 1, high: '50', low: '20' },
      { partition: 2, high: '10', low: '0' },
    ];
    const committed = [
      { partition: 0, offset: '60' },
      { partition: 1, offset: '-1' },
    ];
    expect(partitionPositions(ends, committed)).toEqual([
      { partition: 0, committed: 60, end: 100, lag: 40 },
      { partition: 1, committed: -1, end: 50, lag: 30 },
      { partition: 2, committed: -1, end: 10, lag: 10 },
    ]);
  });

  it('never reports a negative lag (a commit read after newer end offsets)', () => {
    expect(partitionPositions([{ partition: 0, high: '5', low: '0' }], [{ partition: 0, offset: '7' }])[0].lag).toBe(0);
  });
});
