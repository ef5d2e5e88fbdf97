import assert from 'node:assert/strict';
import { forEachLimited, serialBatches } from './parallel.js';

describe('parallel hosts', () => {
  it('never runs more than the limit at once and runs every item', async () => {
    let running = 0;
    let peak = 0;
    const done: number[] = [];
    await forEachLimited([1, 2, 3, 4, 5, 6, 7], 3, async (item) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      done.push(item);
      running -= 1;
    });
    assert.equal(peak, 3);
    assert.deepEqual([...done].sort(), [1, 2, 3, 4, 5, 6, 7]);
  });

  it('splits serial batches by count and percentage', () => {
    assert.deepEqual(serialBatches([1, 2, 3, 4, 5], 2), [[1, 2], [3, 4], [5]]);
    assert.deepEqual(serialBatches([1, 2, 3, 4], '50%'), [
      [1, 2],
      [3, 4],
    ]);
    assert.deepEqual(serialBatches([1, 2, 3], '10%'), [[1], [2], [3]]);
    assert.deepEqual(serialBatches([1, 2, 3], undefined), [[1, 2, 3]]);
    assert.throws(() => serialBatches([1], 0), /serial must be/);
  });
});
