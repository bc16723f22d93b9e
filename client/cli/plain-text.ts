/** Terminal output as text: shared with the daemon (a checkpoint's scrollback read from its transcript). */
export { lastLines, PlainText } from '../../shared/plain-text.js';
