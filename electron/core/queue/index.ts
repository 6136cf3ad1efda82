/** The durable queue (plain Node): store, entry shapes, errors and magnet helpers. */
export { QueueStore, type QueueStoreOptions } from './queue-store';
export {
  QueueWriteError,
  QueueReadError,
  QueueInputError,
  type QueueEntry,
  type NewQueueEntry,
  type QueueReadResult,
} from './types';
export { toEntryView, magnetForPayload, infohashOfMagnet } from './magnet';
export { parseTimestamp } from './file-format';
