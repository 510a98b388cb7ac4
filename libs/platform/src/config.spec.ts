import { BaseConfigSchema, ConfigError, kafkaSettingsOf, parseConfig } from './config';

describe('base configuration', () => {
  const none = { KAFKA_SASL_MECHANISM: 'none' };

  it('reads per-topic partitions and gives the rest the default', () => {
    const config = parseConfig(BaseConfigSchema, { ...none, KAFKA_PARTITIONS: '6', KAFKA_TOPIC_PARTITIONS: 'family.validated.v1=24, registry.family-changed.v1=12' });
    const settings = kafkaSettingsOf(config, 'x');
    expect(settings.topicPartitions).toEqual({ 'family.validated.v1': 24, 'registry.family-changed.v1': 12 });
    expect(settings.partitions).toBe(6);
  });

  it.each(['family.validated.v1', 'family.validated.v1=0', 'family.validated.v1=2000', 'Family=3'])('refuses KAFKA_TOPIC_PARTITIONS=%s', (value) => {
    expect(() => parseConfig(BaseConfigSchema, { ...none, KAFKA_TOPIC_PARTITIONS: value })).toThrow(ConfigError);
  });

  it('keeps tracing off unless asked, and checks its settings', () => {
    expect(parseConfig(BaseConfigSchema, none).OTEL_TRACES_EXPORTER).toBe('none');
    const on = parseConfig(BaseConfigSchema, { ...none, OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_SAMPLER_ARG: '0.1' });
    expect([on.OTEL_TRACES_EXPORTER, on.OTEL_EXPORTER_OTLP_ENDPOINT, on.OTEL_TRACES_SAMPLER_ARG]).toEqual(['otlp', 'http://collector:4318', 0.1]);
    expect(() => parseConfig(BaseConfigSchema, { ...none, OTEL_TRACES_SAMPLER_ARG: '2' })).toThrow(ConfigError);
    expect(() => parseConfig(BaseConfigSchema, { ...none, OTEL_TRACES_EXPORTER: 'jaeger' })).toThrow(ConfigError);
  });
});
