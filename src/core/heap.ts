// Full garbage collections where a build knows it left much garbage. V8 collects its old generation
// only once the heap has grown to a multiple (up to 4x) of what was live at its last full collection,
// and never hands the pages back soon after. A build holds a large live set (TissueMNIST's plan of 236k
// samples: ~75 MB), so that slack alone would cost ~150 MB of RSS:
// - collectGarbage() between phases that leave large garbage at once: the scan is dead once the plan
//   is made, the item loop's records once the outputs are written (~0.1 s each);
// - boundHeap() in long loops (the item loop, the plan's items, writing the lock and the stat cache),
//   which collects once the heap holds 16 MB more than after the last collection: at TissueMNIST's
//   pace every few seconds, ~0.05 s each (the records that outlive a young collection pile up).
// `gc` is V8's own, reached through a new context (the main one never gets it): the one way a program
// can ask for a collection.
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | null | undefined;
/** Garbage the item loop may leave before boundHeap() collects it. */
const SLACK = 16 << 20;
/** Heap in use after the last collection asked for (0: none yet). */
let afterLast = 0;
let calls = 0;

export function collectGarbage(): void {
  if (gc === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      const f: unknown = runInNewContext('gc');
      gc = typeof f === 'function' ? (f as () => void) : null;
    } catch {
      gc = null;
    } finally {
      setFlagsFromString('--no-expose-gc');
    }
  }
  gc?.();
  afterLast = getHeapStatistics().used_heap_size;
}

/** Call once per record of a long loop: a full collection once the heap grew SLACK past the last one. */
export function boundHeap(): void {
  if ((++calls & 255) !== 0) return;
  const used = getHeapStatistics().used_heap_size;
  if (afterLast === 0) afterLast = used; // no collection asked for yet: count from here
  else if (used > afterLast + SLACK) collectGarbage();
}
