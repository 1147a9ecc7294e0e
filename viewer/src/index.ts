// @threadline/viewer's public API: start a viewer in-process (tests, tools); the CLI is threadline-viewer.
export { startViewer, type Viewer } from './viewer.ts';
export { parseArgs, USAGE, DEFAULTS, type ViewerOptions } from './config/options.ts';
