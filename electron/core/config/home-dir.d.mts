/** Types of ./home-dir.mjs (where config.json lives; see paths.ts). */

/** The application's folder name in the OS config directory. */
export declare const APP_DIR_NAME: 'qbit-failover';
/** The home directory holding `config.json`: `QBIT_FAILOVER_HOME`, else the OS config directory. */
export declare function resolveHome(env?: Record<string, string | undefined>, platform?: string): string;
/** Path of `config.json` in a home directory. */
export declare function configFile(home: string): string;
