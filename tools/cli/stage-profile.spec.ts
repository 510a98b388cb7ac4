import { stageProfile, type StageSnapshot } from './stage-profile';

describe('stage profile', () => {
  const snap = (over: Partial<StageSnapshot>): StageSnapshot => ({ at: 0, cpu: {}, schemas: {}, walBytes: 0n, commits: 0, topicBytes: {}, ...over });

  it('reports CPU per 1,000 families by service (instances summed), and rows, WAL, commits and Kafka bytes per family', () => {
    const before = snap({
      cpu: { 'dedup-1': 10, 'dedup-2': 5, 'gateway-1': 1 },
      schemas: { registry: { inserted: 100, updated: 10, deleted: 0, bytes: 8192 }, untouched: { inserted: 7, updated: 0, deleted: 0, bytes: 100 } },
      walBytes: 1000n,
      commits: 50,
      topicBytes: { 'family.submitted.v1': 1000 },
    });
    const after = snap({
      at: 20_000,
      cpu: { 'dedup-1': 30, 'dedup-2': 15, 'gateway-1': 11, 'validation-1': 4 },
      schemas: { registry: { inserted: 2100, updated: 1010, deleted: 500, bytes: 8192 + 2_000_000 }, untouched: { inserted: 7, updated: 0, deleted: 0, bytes: 100 }, gateway: { inserted: 4000, updated: 0, deleted: 0, bytes: 1_000_000 } },
      walBytes: 1000n + 50_000_000n,
      commits: 3050,
      topicBytes: { 'family.submitted.v1': 2_001_000, 'registry.family-changed.v1': 6_000_000 },
    });
    const p = stageProfile(before, after, 1000);
    expect(p.seconds).toBe(20);
    expect(p.cpuSecondsPer1000).toEqual({ dedup: 30, gateway: 10, validation: 4, total: 44 });
    expect(p.perFamilyBySchema).toEqual({ registry: { inserted: 2, updated: 1, deleted: 0.5, bytes: 2000 }, gateway: { inserted: 4, updated: 0, deleted: 0, bytes: 1000 } });
    expect(p.perFamily).toEqual({ rows: 7.5, walBytes: 50_000, commits: 3, kafkaBytes: 8000 });
    expect(p.kafkaBytesPerFamily).toEqual({ 'family.submitted.v1': 2000, 'registry.family-changed.v1': 6000 });
  });
});
