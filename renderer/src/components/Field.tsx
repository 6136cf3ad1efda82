import { cloneElement, isValidElement, type ReactElement, type ReactNode } from 'react';

/** A labelled form row with its validation message (linked by aria-describedby). */
export function Field(props: { id: string; label: string; error?: string; hint?: ReactNode; children: ReactNode }) {
  return (
    <div className={`field${props.error ? ' field-invalid' : ''}`}>
      <label htmlFor={props.id}>{props.label}</label>
      {isValidElement(props.children)
        ? cloneElement(props.children as ReactElement<Record<string, unknown>>, {
            'aria-invalid': props.error ? true : undefined,
            'aria-describedby': props.error ? `${props.id}-error` : undefined,
          })
        : props.children}
      {props.hint && !props.error && <span className="muted small">{props.hint}</span>}
      {props.error && (
        <span className="error-text small" id={`${props.id}-error`} data-testid={`error-${props.id}`}>
          {props.error}
        </span>
      )}
    </div>
  );
}

/** A checkbox with its label to the right. */
export function Check(props: { id: string; label: string; checked: boolean; onChange(v: boolean): void; disabled?: boolean }) {
  return (
    <label className="check" htmlFor={props.id}>
      <input id={props.id} type="checkbox" checked={props.checked} disabled={props.disabled} onChange={(e) => props.onChange(e.target.checked)} />
      <span>{props.label}</span>
    </label>
  );
}
