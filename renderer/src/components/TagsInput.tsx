import { useEffect, useState } from 'react';

/** Comma-separated tags; keeps the typed text (a trailing comma) while committing the parsed list. */
export function TagsInput(props: { id: string; value: string[]; onChange(tags: string[]): void; invalid?: boolean }) {
  const joined = props.value.join(', ');
  const [text, setText] = useState(joined);
  useEffect(() => {
    // Follow outside changes (another instance selected, settings reloaded) without fighting typing.
    if (parse(text).join(', ') !== joined) setText(joined);
  }, [joined]);
  return (
    <input
      id={props.id}
      value={text}
      placeholder="comma, separated"
      aria-invalid={props.invalid || undefined}
      onChange={(e) => {
        setText(e.target.value);
        props.onChange(parse(e.target.value));
      }}
    />
  );
}

function parse(text: string): string[] {
  return text
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
}
