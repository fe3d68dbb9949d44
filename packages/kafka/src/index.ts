export type {
  BatchContext,
  BusBatch,
  BusMessage,
  BusRecord,
  EventBus,
  SubscribeOptions,
  Subscription,
} from './bus.js';
export {
  runConsumer,
  type BatchInfo,
  type ConsumerOptions,
  type ConsumerStats,
  type RunningConsumer,
} from './consumer.js';
export {
  deadLetterMessage,
  routeBatch,
  type Accepted,
  type Decoder,
  type Routed,
} from './dead-letter.js';
export {
  KAFKA_LOG_LEVELS,
  KafkaBus,
  type KafkaBusOptions,
  type KafkaLogLevel,
} from './kafka-bus.js';
export { MemoryBus, type MemoryBusOptions } from './memory-bus.js';
export { createPublisher, type Publisher, type PublisherOptions } from './publisher.js';
