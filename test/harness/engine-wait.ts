import type { Engine } from '../../electron/core/engine';
import type { EngineEvent, EngineSnapshot } from '../../shared/model';

/**
 * Resolves with the first engine snapshot (the current one, or one emitted later) that `pred`
 * accepts; rejects after `timeoutMs` ms naming `what`, the queue length and each instance's
 * status then — what a test needs to see why the state it waited for never came.
 */
export function waitSnapshot(engine: Engine, pred: (s: EngineSnapshot) => boolean, timeoutMs: number, what = 'a matching snapshot'): Promise<EngineSnapshot> {
  return new Promise((resolve, reject) => {
    const now = engine.snapshot();
    if (pred(now)) return resolve(now);
    const on = (ev: EngineEvent): void => {
      if (ev.type === 'snapshot' && pred(ev.snapshot)) {
        clearTimeout(timer);
        engine.off('event', on);
        resolve(ev.snapshot);
      }
    };
    const timer = setTimeout(() => {
      engine.off('event', on);
      const s = engine.snapshot();
      reject(new Error(`${what}: not seen within ${timeoutMs} ms; last: queue ${s.queue.length}, ${JSON.stringify(s.instances.map((i) => [i.name, i.status]))}`));
    }, timeoutMs);
    engine.on('event', on);
  });
}
