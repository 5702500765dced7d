// uvu has no async `rejects`: the promise must reject, with a message matching `pattern`.
import * as assert from 'uvu/assert';

export async function rejects(run: () => Promise<unknown>, pattern: RegExp): Promise<Error> {
  let error: unknown;
  try {
    await run();
  } catch (err) {
    error = err;
  }
  if (error === undefined) assert.unreachable(`resolved; expected a rejection matching ${pattern}`);
  assert.instance(error, Error);
  assert.match((error as Error).message, pattern);
  return error as Error;
}
