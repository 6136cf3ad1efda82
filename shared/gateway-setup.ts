/**
 * What to type into Sonarr/Radarr/Prowlarr (Settings → Download Clients → + → qBittorrent) for
 * the qBittorrent-compatible gateway at `url` (`http(s)://host:port`): one rule for the CLI's
 * `gateway` output, the daemons' log line and the dashboard's Copy button. The password is never
 * part of it (it is the gateway password the user set).
 */
export function gatewaySetupText(url: string, username: string): string {
  const u = new URL(url);
  const port = u.port || (u.protocol === 'https:' ? '443' : '80');
  return `In Sonarr/Radarr/Prowlarr: Download Clients → + → qBittorrent — Host ${u.hostname.replace(/^\[|\]$/g, '')}, Port ${port}, Use SSL ${u.protocol === 'https:' ? 'on' : 'off'}, Username ${username}, Password: the gateway password.`;
}
