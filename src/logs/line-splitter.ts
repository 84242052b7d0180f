/** The line splitter lives in platform/ (cluster and logs both split worker output); re-exported for logs/. */
export { LineSplitter, MAX_LINE_CHARS } from '../platform/line-splitter.js';
