/**
 * Mocha tests that run in order and are skipped once one fails: the steps of a scenario (a converge that
 * failed makes its idempotence and verify steps meaningless). Call inside a `describe`.
 */
export function stepwise(): (title: string, body: () => Promise<void>) => void {
  let failed = false;
  afterEach(function () {
    if (this.currentTest?.state === 'failed') failed = true;
  });
  return (title, body) =>
    it(title, async function () {
      if (failed) this.skip();
      await body();
    });
}
