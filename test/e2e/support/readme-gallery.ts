import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Writes the README's screenshot gallery from the files in test/e2e/screenshots/: one row per
 * view with its light and dark picture side by side. Views the specs also shoot as a window
 * (`shoot(page, name, { window: true })`) are the main views and are shown first; the others go
 * in a folded list below. The gallery sits between the `<!-- screenshots:start -->` and
 * `<!-- screenshots:end -->` markers; nothing else in the README is touched.
 * Regenerate the pictures first: `QBF_UPDATE_SCREENSHOTS=1 npx playwright test -c test/e2e/playwright.config.ts`,
 * then run `npx tsx test/e2e/support/readme-gallery.ts`.
 */

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DIR = 'test/e2e/screenshots';
const START = '<!-- screenshots:start -->';
const END = '<!-- screenshots:end -->';
/** Order of the views a reader meets them in; any other view follows, by name. */
const ORDER = [
  'status', 'status-failover', 'status-all-down', 'status-counts', 'status-last-seen', 'dashboard-disconnected',
  'add', 'add-queued', 'add-rejected', 'drop-overlay', 'add-dialog', 'recent-adds',
  'queue', 'queue-table', 'queue-flushed',
  'torrents', 'torrents-unreachable',
  'activity', 'activity-kinds',
  'settings', 'settings-list', 'settings-errors', 'settings-auth-failed', 'settings-auth-failed-once', 'config-warnings',
  'gateway-settings', 'gateway-status', 'gateway-status-port-in-use', 'settings-dashboard',
  'first-run-status', 'first-run-settings', 'first-run-new-instance',
];
/** Picture width in the README, px (the tray shots are 420 px wide). */
const WIDTH = 300;

/** "status-all-down" → "Status all down". */
function caption(name: string): string {
  const words = name.replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The gallery's markdown for the pictures in `files` (file names of test/e2e/screenshots/). */
export function gallery(files: string[]): string {
  const have = new Set(files);
  const views = [...new Set(files.map((f) => /^(.+)-tray-(?:light|dark)\.png$/.exec(f)?.[1]).filter((n): n is string => !!n))]
    .filter((n) => have.has(`${n}-tray-light.png`) && have.has(`${n}-tray-dark.png`))
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const img = (file: string, alt: string): string => `<img src="${DIR}/${file}" width="${WIDTH}" alt="${alt}">`;
  const table = (names: string[]): string[] => [
    '| View | Light | Dark |',
    '| --- | --- | --- |',
    ...names.map((n) => `| ${caption(n)} | ${img(`${n}-tray-light.png`, `${caption(n)}, light`)} | ${img(`${n}-tray-dark.png`, `${caption(n)}, dark`)} |`),
  ];
  const main = views.filter((n) => have.has(`${n}-window-light.png`));
  const more = views.filter((n) => !main.includes(n));
  const lines = [
    START,
    '<!-- Written by test/e2e/support/readme-gallery.ts from the screenshots the e2e specs take (QBF_UPDATE_SCREENSHOTS=1): edit that script, not this table. -->',
    ...table(main),
  ];
  if (more.length) lines.push('', `<details><summary>More states (${more.length})</summary>`, '', ...table(more), '', '</details>');
  lines.push('', `Window-size (900×700) pictures of the main views, light and dark: \`${DIR}/*-window-{light,dark}.png\`.`, END);
  return lines.join('\n');
}

function rank(name: string): number {
  const i = ORDER.indexOf(name);
  return i < 0 ? ORDER.length : i;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const readme = `${ROOT}README.md`;
  const text = readFileSync(readme, 'utf8');
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < a) throw new Error(`README.md has no ${START} … ${END} block`);
  writeFileSync(readme, text.slice(0, a) + gallery(readdirSync(`${ROOT}${DIR}`)) + text.slice(b + END.length));
  console.log('README.md gallery written');
}
