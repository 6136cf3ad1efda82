import type { ServerResponse } from 'node:http';

/**
 * The page a browser gets instead of the dashboard when it has no valid token (a bookmark of the
 * bare address, an old link after the token was rotated, cookies cleared): plain HTML that says
 * how to get the link, never the raw `{ "error": … }` JSON that the API answers.
 */

/** Why the page is shown: no token at all, or one that is not (or no longer) the server's. */
export type HelpReason = 'missing' | 'wrong';

/** The help page's HTML (static text: nothing from the request is echoed). */
export function helpPageHtml(reason: HelpReason): string {
  const why =
    reason === 'wrong'
      ? 'This link’s access token is not valid for this dashboard. The token was probably rotated (from the dashboard’s settings or with <code>qbit-failover dashboard-token --rotate</code>).'
      : 'This dashboard only opens from its link, which carries an access token. Your browser did not send one (a bookmark of the bare address, or cookies were cleared).';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<link rel="icon" href="data:,">
<title>Dashboard link needed — qbit-failover</title>
<style>
body { font: 15px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; }
code, pre { font-family: ui-monospace, monospace; }
pre { padding: .6rem .8rem; border: 1px solid #8886; border-radius: 6px; overflow-x: auto; }
</style>
</head>
<body>
<main data-testid="token-help">
<h1>Open the dashboard with its link</h1>
<p>${why}</p>
<p>On the machine that runs the dashboard, get the link with:</p>
<pre>qbit-failover dashboard-token</pre>
<p>It prints the address with <code>?token=…</code>; open it once and bookmark the page. <code>qbit-failover serve</code> prints the same link when it starts. The token is kept in the <code>dashboard-token</code> file of qbit-failover’s settings folder, so the link stays valid across restarts until you rotate it.</p>
</main>
</body>
</html>
`;
}

/** Answers 401 with the help page (no caching: the next load may carry a token). */
export function sendHelpPage(res: ServerResponse, reason: HelpReason, headOnly: boolean): void {
  const body = Buffer.from(helpPageHtml(reason), 'utf8');
  res.statusCode = 401;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Length', body.length);
  res.end(headOnly ? undefined : body);
}
