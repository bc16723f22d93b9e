/**
 * The rule for what looks secret, shared by the daemon's logs and events and by
 * clients that show a session's environment.
 */

/** Variable names whose values are secrets: never written to a log. */
export const SECRET_NAME = /(TOKEN|SECRET|PASSW(OR)?D|PASS$|API_?KEY|PRIVATE|_KEY$|^KEY$|CREDENTIAL|AUTH|COOKIE|SESSION_?ID)/i;
/** Values shaped like well-known credentials, whatever their variable is called. */
export const SECRET_VALUE = /^(sk-[A-Za-z0-9_-]{16,}|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_\w{20,}|xox[abprs]-[\w-]{10,}|AKIA[0-9A-Z]{16}|glpat-[\w-]{20})/;
export const REDACTED = '[redacted]';
/** How deep a log line is searched for `env` maps: log lines are shallow. */
const REDACT_DEPTH = 6;

/**
 * A copy of a value (a log line's fields, an event's data) in which the values of secret-looking variables in
 * every `env` map (a session's environment, a spawn spec) are replaced. Pure.
 */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (depth > REDACT_DEPTH || value === null || typeof value !== 'object' || value instanceof Error) return value;
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === 'env' && v !== null && typeof v === 'object' && !Array.isArray(v)) {
      out[key] = Object.fromEntries(
        Object.entries(v as Record<string, unknown>).map(([name, val]) => [name, typeof val === 'string' && (SECRET_NAME.test(name) || SECRET_VALUE.test(val)) ? REDACTED : val]),
      );
    } else {
      out[key] = redactSecrets(v, depth + 1);
    }
  }
  return out;
}
