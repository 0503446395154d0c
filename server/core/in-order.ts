/*
 * Array helpers for asynchronous callbacks, one element at a time: inside a transaction
 * the queries go over one connection in order, as the synchronous code they replace did.
 */

export async function mapInOrder<T, R>(items: readonly T[], fn: (item: T, index: number) => Promise<R> | R): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i++) out.push(await fn(items[i]!, i));
  return out;
}

export async function filterInOrder<T>(items: readonly T[], keep: (item: T) => Promise<boolean> | boolean): Promise<T[]> {
  const out: T[] = [];
  for (const item of items) if (await keep(item)) out.push(item);
  return out;
}

export async function someInOrder<T>(items: readonly T[], test: (item: T) => Promise<boolean> | boolean): Promise<boolean> {
  for (const item of items) if (await test(item)) return true;
  return false;
}
