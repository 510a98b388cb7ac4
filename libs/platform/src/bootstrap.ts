import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { deadLetterTopic } from '@satupintu/contracts';
import { BatchConsumer, describeError, ensureTopics, EventProducer, KafkaBatchTransport, type KafkaSettings } from '@satupintu/kafka';
import { PlainText, type Protector } from '@satupintu/protection';
import { consumerInstrumentation, createLogger, NestPinoLogger, sanitiseCorrelationId, startTracing, withCorrelationId, type Logger, type ServiceMetrics } from '@satupintu/observability';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Kafka } from 'kafkajs';
import { BaseConfigSchema, ConfigError, kafkaSettingsOf, loadProtector, parseConfig, type BaseConfig } from './config';
import { AllExceptionsFilter } from './errors.filter';
import { LifecycleService } from './lifecycle.service';
import { migrateService } from './migrate';
import { instrumentConsumerLag, instrumentHttp } from './metrics';
import type { ServiceDescriptor } from './service-descriptor';
import { KAFKA, KAFKA_SETTINGS, LOGGER, METRICS } from './tokens';

export interface BootstrapOptions {
  /** Largest JSON body (default 1mb). */
  bodyLimit?: string;
  /** Larger limits for some path prefixes (e.g. batch intake), checked before `bodyLimit`. */
  bodyLimits?: Array<{ path: string; limit: string }>;
  /** Adds the service's own HTTP middleware (security headers, rate limits) before bodies are parsed. */
  configureHttp?: (app: INestApplication) => void;
  /** Work done before the service takes any (its consumer starts and its port opens), e.g. protecting values stored in clear. */
  beforeStart?: (app: INestApplication) => Promise<void>;
}

/** Reads and checks the base configuration; exits with a clear message when it is wrong. */
export function loadBaseConfigOrExit(service: string): BaseConfig {
  try {
    const config = parseConfig(BaseConfigSchema);
    kafkaSettingsOf(config, service); // the Kafka credentials are complete and readable
    return config;
  } catch (err) {
    if (err instanceof ConfigError) {
      createLogger(service).fatal(err.message);
      process.exit(78);
    }
    throw err;
  }
}

/**
 * The service's protector for encryption at rest (docs/security.md), or exit 78 without a keyring.
 * `--migrate-only` and `retention` move no protected value: they run without keys.
 */
export function loadProtectorOrExit(service: string, argv: readonly string[] = process.argv): Protector {
  if (argv.includes('--migrate-only') || argv[2] === 'retention') return new PlainText();
  return loadSettingsOrExit(service, () => loadProtector());
}

/** Runs a service's own settings loader; logs the reason and exits (78, bad configuration) if it throws. */
export function loadSettingsOrExit<T>(service: string, load: () => T): T {
  try {
    return load();
  } catch (err) {
    createLogger(service).fatal(err instanceof Error ? err.message : String(err));
    process.exit(78);
  }
}

/**
 * Starts a service: HTTP (health, and the gateway's API), topics, the Kafka batch transport for
 * `@EventPattern` handlers when the service consumes, the outbox relay, and graceful shutdown.
 */
export async function bootstrapService(
  appModule: unknown,
  service: ServiceDescriptor,
  config: BaseConfig,
  options: BootstrapOptions = {},
): Promise<void> {
  const bootLogger = createLogger(service.name, config.LOG_LEVEL);
  process.on('unhandledRejection', (err) => bootLogger.error(describeError(err), 'unhandled rejection'));
  try {
    if (process.argv.includes('--migrate-only')) {
      await migrateOnly(service, config, bootLogger);
      return;
    }
    if (config.OTEL_TRACES_EXPORTER === 'otlp') {
      startTracing({ service: service.name, instanceId: config.INSTANCE_ID, endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT, sampleRatio: config.OTEL_TRACES_SAMPLER_ARG });
    }
    const app = await NestFactory.create(appModule as never, { bodyParser: false, logger: new NestPinoLogger(bootLogger) });
    const logger = app.get<Logger>(LOGGER);
    const kafka = app.get<Kafka>(KAFKA);
    const settings = app.get<KafkaSettings>(KAFKA_SETTINGS);
    const metrics = app.get<ServiceMetrics>(METRICS);
    instrumentHttp(app, metrics);

    app.use((req: Request, res: Response, next: NextFunction) => {
      const correlationId = sanitiseCorrelationId(req.header('x-correlation-id')) ?? randomUUID();
      res.setHeader('x-correlation-id', correlationId);
      withCorrelationId(correlationId, next);
    });
    options.configureHttp?.(app);
    for (const { path, limit } of options.bodyLimits ?? []) app.use(path, express.json({ limit, strict: true }));
    app.use(express.json({ limit: options.bodyLimit ?? '1mb', strict: true }));
    app.use((err: { status?: number; type?: string }, _req: Request, res: Response, next: NextFunction) => {
      if (!err) return next();
      const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 400;
      const code = status === 413 ? 'PAYLOAD_TOO_LARGE' : err.type === 'entity.parse.failed' ? 'MALFORMED_JSON' : 'BAD_REQUEST';
      res.status(status).json({ error: { code, message: code === 'MALFORMED_JSON' ? 'the body is not valid JSON' : 'the request body was refused' } });
    });
    app.useGlobalFilters(new AllExceptionsFilter(logger));
    // Exit with process.exit after the hooks rather than re-raising the signal: the 'exit' event lets
    // pino flush its asynchronous stdout buffer, so the last lines ("stopped") are not lost.
    app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });

    await ensureTopics(kafka, settings, service.consumerGroup ? [...service.topics, deadLetterTopic(service.consumerGroup)] : service.topics);
    await options.beforeStart?.(app);
    const lifecycle = app.get(LifecycleService);
    await lifecycle.start();

    if (service.consumerGroup) {
      const producer = app.get(EventProducer);
      const transport = new KafkaBatchTransport(
        (handlers) => {
          const instrumentation = consumerInstrumentation(metrics);
          const consumer = new BatchConsumer(kafka, settings, producer, { groupId: service.consumerGroup as string, handlers, instrumentation }, logger);
          instrumentConsumerLag(metrics, consumer);
          return consumer;
        },
      );
      app.connectMicroservice({ strategy: transport }, { inheritAppConfig: true });
      await app.startAllMicroservices();
    }
    answerUnparsableRequests(app.getHttpServer() as Server);
    const port = config.PORT ?? service.defaultPort;
    await app.listen(port, config.HTTP_HOST);
    logger.info({ port, host: config.HTTP_HOST }, `${service.name} started`);
  } catch (err) {
    bootLogger.fatal({ ...describeError(err), reason: err instanceof Error ? err.message : String(err) }, `${service.name} failed to start`);
    process.exit(1);
  }
}

/**
 * Requests Node cannot parse (headers or URL over 16 kB, a broken request line) never reach
 * Express; Node would answer them with an empty body. They get the same structured error instead.
 */
function answerUnparsableRequests(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
    const body = JSON.stringify({
      error: tooLarge
        ? { code: 'HEADERS_TOO_LARGE', message: 'the request line or headers are too large' }
        : { code: 'BAD_REQUEST', message: 'the request could not be parsed' },
    });
    socket.end(
      `HTTP/1.1 ${tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
}

/** `node main.js --migrate-only`: applies the service's pending migrations and exits. */
async function migrateOnly(service: ServiceDescriptor, config: BaseConfig, logger: Logger): Promise<void> {
  const applied = await migrateService(service, config, `${service.name}-migrate`);
  logger.info({ applied }, applied.length ? 'migrations applied' : 'no pending migrations');
}
