import { useApp } from '../store/app-store';

/** No warnings (one constant keeps the store selector stable). */
const NONE: readonly string[] = [];

/**
 * A banner above every view while the settings in force ignored or adjusted something
 * (`snapshot.configWarnings`): an unknown key in `config.json` — a `"password"`, `"instance"` for
 * `"instances"` — or an environment URL read differently. Each line says the fix; the rest of the
 * settings loaded and work. It goes away once the file is fixed (the engine re-reads hand edits).
 */
export function ConfigWarningsBanner() {
  // A snapshot from an older `serve` has no such field.
  const warnings = useApp((s) => s.snapshot?.configWarnings ?? NONE);
  if (!warnings.length) return null;
  return (
    <div className="banner tone-bg-warn" role="status" data-testid="config-warnings">
      <div>Settings partly ignored — the rest loaded:</div>
      <ul>
        {warnings.map((w) => (
          <li key={w} data-testid="config-warning">
            {w}
          </li>
        ))}
      </ul>
    </div>
  );
}
