import { nestsDeeperThan } from './json-shape';

describe('nestsDeeperThan', () => {
  it('measures objects and arrays', () => {
    expect(nestsDeeperThan({ a: { b: [1, 2] } }, 3)).toBe(false);
    expect(nestsDeeperThan({ a: { b: [1, { c: 1 }] } }, 3)).toBe(true);
    expect(nestsDeeperThan('text', 0)).toBe(false);
  });

  it('handles a hostile depth without recursion', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(nestsDeeperThan(deep, 10)).toBe(true);
  });
});
