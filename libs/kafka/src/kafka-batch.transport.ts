import { Server, type CustomTransportStrategy } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import type { BatchConsumer, BatchHandler } from './batch-consumer';

/**
 * A NestJS microservice transport over BatchConsumer: `@EventPattern(TOPICS.x)` handlers receive a
 * batch (ConsumedEvent[]) of one partition, already schema-checked. Errors thrown by a handler reach
 * the consumer (for retry and dead-lettering) because the services install a pass-through RPC filter.
 */
export class KafkaBatchTransport extends Server implements CustomTransportStrategy {
  private consumer?: BatchConsumer;

  constructor(private readonly createConsumer: (handlers: Map<string, BatchHandler>) => BatchConsumer) {
    super();
  }

  listen(callback: (err?: unknown) => void): void {
    const handlers = new Map<string, BatchHandler>();
    for (const [pattern, handler] of this.getHandlers()) {
      handlers.set(pattern, async (events) => {
        const result = await handler(events);
        await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
      });
    }
    this.consumer = this.createConsumer(handlers);
    this.consumer.start().then(
      () => callback(),
      (err) => callback(err),
    );
  }

  async close(): Promise<void> {
    await this.consumer?.stop();
  }

  on(): never {
    throw new Error('KafkaBatchTransport emits no events');
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }
}
