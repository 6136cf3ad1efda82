import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFile, defaultQueueFile, resolveHome } from '../../../electron/core/config/paths';

describe('resolveHome', () => {
  it('QBIT_FAILOVER_HOME wins and is made absolute', () => {
    expect(resolveHome({ QBIT_FAILOVER_HOME: '/srv/qbf' }, 'linux')).toBe('/srv/qbf');
    expect(resolveHome({ QBIT_FAILOVER_HOME: 'rel/dir', XDG_CONFIG_HOME: '/x' }, 'linux')).toBe(path.resolve('rel/dir'));
  });

  it('Linux: $XDG_CONFIG_HOME/qbit-failover, else ~/.config/qbit-failover', () => {
    expect(resolveHome({ XDG_CONFIG_HOME: '/cfg' }, 'linux')).toBe('/cfg/qbit-failover');
    expect(resolveHome({ XDG_CONFIG_HOME: '' }, 'linux')).toBe(path.join(os.homedir(), '.config', 'qbit-failover'));
    expect(resolveHome({}, 'linux')).toBe(path.join(os.homedir(), '.config', 'qbit-failover'));
  });

  it('macOS: ~/Library/Application Support/qbit-failover; Windows: %APPDATA%\\qbit-failover', () => {
    expect(resolveHome({}, 'darwin')).toBe(path.join(os.homedir(), 'Library', 'Application Support', 'qbit-failover'));
    expect(resolveHome({ APPDATA: '/appdata' }, 'win32')).toBe(path.join('/appdata', 'qbit-failover'));
    expect(resolveHome({}, 'win32')).toBe(path.join(os.homedir(), 'AppData', 'Roaming', 'qbit-failover'));
  });

  it('config.json lives in the home; the default queue file is where the old tool wrote it', () => {
    expect(configFile('/h')).toBe(path.join('/h', 'config.json'));
    expect(defaultQueueFile()).toBe(path.join(os.homedir(), 'qbittorrent_queue.json'));
  });
});
