/** A status light; the words sit beside it, so colour is never the only signal. */
export function Light(props: { tone: 'ok' | 'warn' | 'off' | 'bad'; label: string; testId: string; status: string }) {
  return (
    <span
      className={`light light-${props.tone}`}
      role="img"
      aria-label={props.label}
      title={props.label}
      data-testid={props.testId}
      data-status={props.status}
    />
  );
}
