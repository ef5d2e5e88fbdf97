/** Runs `work` on every item with at most `limit` running at once; resolves when all have settled. */
export async function forEachLimited<T>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

/** Splits hosts into Ansible `serial` batches: a count, a percentage ('30%'), or everything at once. */
export function serialBatches<T>(items: T[], serial: number | string | undefined): T[][] {
  if (serial === undefined) return [items];
  const size =
    typeof serial === 'string' && serial.endsWith('%')
      ? Math.max(1, Math.floor((items.length * Number.parseFloat(serial)) / 100))
      : Number(serial);
  if (!Number.isInteger(size) || size < 1)
    throw new TypeError(`serial must be a positive count or a percentage, got ${serial}`);
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  return batches;
}
