/**
 * Splitting a command line into argv WITHOUT a shell, for the VPN reconnect command.
 *
 * Commands are run with `spawn(argv[0], argv.slice(1))` and never through a shell, so a value
 * cannot chain commands (`;`, `&&`, `|`), expand variables (`$HOME`) or substitute
 * (`$(…)`, backticks): such characters reach the program as plain text. The quoting rules are
 * a small subset of POSIX sh, enough for the old string form (`wg-quick up wg0`,
 * `nmcli con up "My VPN"`):
 * - words are separated by whitespace;
 * - `'…'` keeps everything inside literally;
 * - `"…"` keeps everything inside, except `\"` and `\\`, which give `"` and `\`;
 * - outside quotes, `\x` gives `x` (an escaped space stays in the word).
 */

/** A command line that cannot be split (an unterminated quote or a trailing backslash). */
export class CommandLineError extends Error {
  readonly code = 'INVALID_COMMAND';
  constructor(message: string) {
    super(message);
    this.name = 'CommandLineError';
  }
}

/**
 * Splits `line` into argv by the rules above. `''`/`""` give an empty word.
 * @returns the words (empty array for a blank line).
 * @throws CommandLineError on an unterminated quote or a trailing backslash.
 */
export function splitCommandLine(line: string): string[] {
  const out: string[] = [];
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) word += line[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\') {
      if (i + 1 >= line.length) throw new CommandLineError('command ends with a lone backslash');
      word += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) throw new CommandLineError(`command has an unterminated ${quote === '"' ? 'double' : 'single'} quote`);
  if (inWord) out.push(word);
  return out;
}

/** Joins argv back into one line that {@link splitCommandLine} splits into the same words (for display and editing). */
export function joinCommandLine(argv: readonly string[]): string {
  return argv.map((w) => (w !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'"'"'`)}'`)).join(' ');
}
