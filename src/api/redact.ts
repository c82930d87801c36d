/**
 * Keeps API keys out of logs. A key is `rk_<key id>_<secret>`: the key id is public (it names the key in
 * lists and logs), the secret never leaves the request. Keys sent where they do not belong (`?key=…`,
 * `?api_key=…`) or by mistake (a key pasted into a field) are caught by their shape; query parameters
 * whose name says they carry a credential are blanked whatever they hold (a mistyped key is a secret too).
 */
const KEY_SHAPE = /rk_([0-9a-f]{12})_[A-Za-z0-9_-]+/g;
const SENSITIVE_NAME =
  /^(?:key|api[-_]?key|x[-_]api[-_]key|token|access[-_]?token|auth|authorization|bearer|password|passwd|secret|session|retailos_session|signature|sig)$/i;
const SENSITIVE_PARAM =
  /([?&;](?:key|api[-_]?key|apikey|x[-_]api[-_]key|token|access[-_]?token|auth|authorization|bearer|password|passwd|secret|session|retailos_session|signature|sig)=)[^&;#"\s\\]*/gi;

export const REDACTED = '[redacted]';

/** `text` with the secret of every key-shaped word blanked (the key id stays). */
export function redactKeys(text: string): string {
  return text.replace(KEY_SHAPE, `rk_$1_${REDACTED}`);
}

/** A URL (path and query) fit for a log: credential parameters blanked, key-shaped words redacted. */
export function scrubUrl(url: string): string {
  const query = url.indexOf('?');
  if (query === -1) return redactKeys(url);
  const hash = url.indexOf('#', query);
  const end = hash === -1 ? url.length : hash;
  const params = url
    .slice(query + 1, end)
    .split('&')
    .map((param) => {
      const equals = param.indexOf('=');
      const name = equals === -1 ? param : param.slice(0, equals);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {}
      return equals !== -1 && SENSITIVE_NAME.test(decoded.trim()) ? `${name}=${REDACTED}` : param;
    })
    .join('&');
  return redactKeys(`${url.slice(0, query)}?${params}${url.slice(end)}`);
}

/** The last line of defence, on each serialized log line: key shapes and credential parameters blanked. */
export function scrubLogLine(line: string): string {
  return redactKeys(line).replace(SENSITIVE_PARAM, `$1${REDACTED}`);
}

/** Fields pino blanks in every log object (headers that carry keys or sessions, fields named like secrets). */
export const REDACTED_PATHS = [
  'key',
  '*.key',
  'api_key',
  '*.api_key',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'authorization',
  'cookie',
  'headers.authorization',
  'headers.cookie',
  'headers["x-api-key"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'request.headers.authorization',
  'request.headers.cookie',
  'request.headers["x-api-key"]',
];
