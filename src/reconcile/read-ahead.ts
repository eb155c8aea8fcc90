/**
 * Yield what `source` yields, asking it for the next item before handing out the current
 * one: the producer's I/O (the next System Log page) overlaps the consumer's work. Same
 * items, order and errors; at most one item is fetched ahead.
 */
export async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T, void, undefined> {
  const it = source[Symbol.asyncIterator]();
  let next = it.next();
  let finished = false;
  try {
    for (;;) {
      const current = await next;
      if (current.done) {
        finished = true;
        return;
      }
      next = it.next();
      // Its error surfaces when awaited above; if the consumer stops first, nobody awaits it.
      next.catch(() => {});
      yield current.value;
    }
  } finally {
    // The consumer stopped early (or the source threw): let the source clean up once the
    // request in flight settles, without making the consumer wait for it.
    if (!finished) it.return?.().catch(() => {});
  }
}
