/** C0 and C1 controls, DEL, the line and paragraph separators, and the backslash that escapes them. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\\]/g;

/**
 * Text from outside (a file name, an account name stored by an older release) as one line a terminal shows as it is:
 * control characters and line breaks are written as escapes (`\n`, `\x1b`), so that they can neither fake a line
 * of output nor drive the terminal. The backslash is escaped too, so that an escape always means one.
 */
export function printable(text: string): string {
  return text.replace(UNSAFE, (c) => {
    if (c === '\\') return '\\\\';
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    const code = c.charCodeAt(0);
    return code > 0xff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\x${code.toString(16).padStart(2, '0')}`;
  });
}
