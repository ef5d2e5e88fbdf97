// No ProgressReporter here: it loads listr2, which createReporter imports only for a terminal.
export { renderDiff, colorizeDiff, type RenderDiffOptions } from './diff.js';
export { PlainReporter } from './plain-reporter.js';
export { JsonReporter, type JsonReport, type JsonHostStats } from './json-reporter.js';
export { createReporter, type CreateReporterOptions } from './create-reporter.js';
export type { ReporterOptions } from './reporter-options.js';
export { colorEnabled, type OutputStream } from './style.js';
