import { defineCommand } from '../spec.js';

/** `sess proxy`: this machine's sessd on stdin and stdout, for `ssh HOST sess proxy`. */
export const spec = defineCommand({
  name: 'proxy',
  group: 'sessd itself',
  summary: "Connect stdin and stdout to this machine's sessd (what `sess --host` runs over ssh)",
  description:
    "Splices stdin and stdout to sessd's socket, byte for byte, starting sessd when none answers (unless --no-autostart). `sess --host HOST ...` runs `ssh HOST sess proxy` and speaks the protocol through it; so can any client that can spawn a command. Exits when either side closes.",
  options: {},
  examples: ['ssh build-box sess proxy'],
});
