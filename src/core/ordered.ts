// Run an async function over items with at most `limit` in flight, yielding results in input order.
// Output order never depends on which task finishes first, so worker count cannot change the bytes.
export async function* orderedMap<T, R>(items: Iterable<T>, limit: number, fn: (item: T) => Promise<R>): AsyncGenerator<R> {
  const window: Promise<R>[] = [];
  const it = items[Symbol.iterator]();
  let done = false;
  const fill = () => {
    while (!done && window.length < Math.max(1, limit)) {
      const n = it.next();
      if (n.done) {
        done = true;
        break;
      }
      const p = fn(n.value);
      // Errors surface when this promise is awaited in order; avoid unhandled-rejection noise meanwhile.
      p.catch(() => undefined);
      window.push(p);
    }
  };
  fill();
  while (window.length > 0) {
    const r = await window.shift()!;
    fill();
    yield r;
  }
}
