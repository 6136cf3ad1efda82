/**
 * `[CONFIG]` lines for what the settings in force ignored or adjusted (unknown `config.json` keys,
 * environment URLs read differently), each with its fix; printed on stderr by every command.
 */
export function configWarningLines(notes: readonly string[]): string[] {
  return notes.map((n) => `[CONFIG] ${n}`);
}
