/** The protocol version this contract describes (DESIGN.md: "this contract is version 1"). */
export const PROTOCOL_VERSION = 1;

/** sessd's own version; a unit test keeps it equal to package.json's. */
export const SESSD_VERSION = '0.1.0';
