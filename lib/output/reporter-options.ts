import type { Redactor } from '../secrets/redactor.js';
import type { OutputStream } from './style.js';

export interface ReporterOptions {
  /** Defaults to process.stdout. */
  stream?: OutputStream;
  /** Defaults to: the stream is a terminal and NO_COLOR is unset. */
  color?: boolean;
  /** -v (a count or a flag; any non-zero value): round trips and duration per task, transport counters per host. */
  verbose?: boolean | number;
  /** Defaults to the process-wide redactor that the secret store registers values with. */
  redactor?: Redactor;
}
