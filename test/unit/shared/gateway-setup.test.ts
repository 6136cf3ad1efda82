import { describe, expect, it } from 'vitest';
import { gatewaySetupText } from '../../../shared/gateway-setup';

/** What the CLI prints and the dashboard copies for Sonarr/Radarr: the fields of their qBittorrent download client. */
describe('gatewaySetupText', () => {
  it('names host, port, SSL and username for a loopback gateway, and never a password', () => {
    const t = gatewaySetupText('http://127.0.0.1:8089', 'admin');
    expect(t).toContain('Host 127.0.0.1, Port 8089, Use SSL off, Username admin, Password: the gateway password.');
  });

  it('an IPv6 host without brackets (Sonarr\'s Host field takes the bare address), TLS on, the default port made explicit', () => {
    expect(gatewaySetupText('https://[::1]', 'me')).toContain('Host ::1, Port 443, Use SSL on, Username me');
    expect(gatewaySetupText('http://nas.local', 'me')).toContain('Host nas.local, Port 80, Use SSL off');
  });
});
