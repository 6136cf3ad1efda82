import path from 'node:path';
import type { LaunchRequest } from '../launch/pending';

/**
 * Pure: adds from the browser or the file manager waiting for the add dialog's answer (when the
 * user asked to be asked). Held in arrival order; the window shows the oldest; nothing is added
 * until it is answered, and a cancelled one is dropped.
 */

/** One add waiting for the dialog. */
export interface AddPrompt {
  id: string;
  req: LaunchRequest;
  /** What the dialog lists: each magnet's `dn` (or the magnet shortened), each file's name. */
  labels: string[];
}

/** Longest label, characters. */
const MAX_LABEL_CHARS = 80;

/** Display names of a launch request's inputs. */
export function promptLabels(req: LaunchRequest): string[] {
  const magnets = req.args.magnets.map((m) => {
    let dn: string | null = null;
    try {
      dn = new URLSearchParams(m.replace(/^magnet:\?/i, '')).get('dn');
    } catch {
      dn = null;
    }
    const label = dn?.trim() || m;
    return label.length > MAX_LABEL_CHARS ? `${label.slice(0, MAX_LABEL_CHARS - 1)}…` : label;
  });
  return [...magnets, ...req.args.torrentFiles.map((f) => path.basename(f))];
}

/** The adds waiting for an answer. */
export class AddPrompts {
  private readonly held: AddPrompt[] = [];
  private next = 1;

  /** Holds `req` for the dialog; returns its prompt. */
  open(req: LaunchRequest): AddPrompt {
    const prompt = { id: `add-${Date.now().toString(36)}-${this.next++}`, req, labels: promptLabels(req) };
    this.held.push(prompt);
    return prompt;
  }

  /** The oldest prompt waiting, or null. */
  first(): AddPrompt | null {
    return this.held[0] ?? null;
  }

  /** Removes and returns the prompt `id` (null when unknown or already answered: a second click does nothing). */
  take(id: string): AddPrompt | null {
    const i = this.held.findIndex((p) => p.id === id);
    return i < 0 ? null : this.held.splice(i, 1)[0]!;
  }

  /** Prompts waiting. */
  size(): number {
    return this.held.length;
  }
}
