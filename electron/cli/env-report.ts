import type { EnvReport } from '../core/engine';

/**
 * Lines telling which settings came from `.env` and from the environment, and which variables
 * were ignored (names and reasons only, never values), for `status`. Empty when neither was used.
 */
export function envReportLines(report: EnvReport): string[] {
  const lines: string[] = [];
  if (report.fromDotenv.length) lines.push(`[ENV] from .env in this folder: ${report.fromDotenv.join(', ')}`);
  if (report.fromEnvironment.length) lines.push(`[ENV] from the environment: ${report.fromEnvironment.join(', ')}`);
  for (const w of report.warnings) lines.push(`[ENV] ${w}`);
  return lines;
}

/** The same for `status --json`: `{ dotenv, environment, ignored }`, names only. */
export function envReportJson(report: EnvReport): { dotenv: string[]; environment: string[]; ignored: string[] } {
  return { dotenv: report.fromDotenv, environment: report.fromEnvironment, ignored: report.warnings };
}
