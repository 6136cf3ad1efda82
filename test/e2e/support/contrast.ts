import type { Page } from '@playwright/test';

/**
 * WCAG 2.x contrast of every visible text on a page, measured in the real browser from computed
 * styles: the text colour and each ancestor's background are composited (alpha, `opacity` and
 * colour `filter` groups) over the canvas, and the ratio of the two relative luminances is compared with the AA
 * minimum — 4.5:1, or 3:1 for large text (≥ 24 px, or ≥ 18.66 px at weight ≥ 700).
 * Source of the rules: WCAG 2.2 success criterion 1.4.3 and its "relative luminance" and
 * "large scale" definitions (https://www.w3.org/TR/WCAG22/#contrast-minimum).
 */

/** One measured text whose contrast is below the AA minimum. */
export interface ContrastFailure {
  /** Where: `tag#id.class[data-testid]` of the element holding the text. */
  element: string;
  /** The text (trimmed, at most 60 characters); for a form field its value or placeholder. */
  text: string;
  /** Effective text colour after compositing, `#rrggbb`. */
  fg: string;
  /** Effective background colour behind the text, `#rrggbb`. */
  bg: string;
  /** Contrast ratio cut (not rounded) to two decimals, so a failing ratio never reads as the minimum. */
  ratio: number;
  /** The minimum that applies: 4.5, or 3 for large text. */
  required: number;
}

/** What one measurement of a page found. */
export interface ContrastReport {
  /** Texts measured (each element/text pair once). */
  checked: number;
  failures: ContrastFailure[];
  /**
   * Texts not measured, with why: inside a disabled control (WCAG 1.4.3 exempts inactive UI
   * components), over a background image (no single background colour), or under a filter
   * other than grayscale/saturate/brightness/contrast/invert/opacity.
   */
  skipped: string[];
}

/**
 * Measures every visible text node and every form field's value/placeholder on `page` as it is
 * now (the colour scheme the page currently emulates). Hidden text (display/visibility/opacity 0,
 * closed `<details>`, clipped to ≤ 1 px as screen-reader-only text) is not measured.
 */
export async function measureContrast(page: Page): Promise<ContrastReport> {
  return page.evaluate(() => {
    type Rgba = [number, number, number, number];
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 1;
    const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    const parse = (css: string): Rgba => {
      const m = /^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)$/.exec(css);
      if (m) {
        const a = m[4] === undefined ? 1 : m[4].endsWith('%') ? parseFloat(m[4]) / 100 : parseFloat(m[4]);
        return [parseFloat(m[1]!), parseFloat(m[2]!), parseFloat(m[3]!), a];
      }
      // Any other syntax (color(), oklch(), a keyword): let the browser paint it and read it back.
      ctx.clearRect(0, 0, 1, 1);
      ctx.fillStyle = '#000';
      ctx.fillStyle = css;
      ctx.fillRect(0, 0, 1, 1);
      const d = ctx.getImageData(0, 0, 1, 1).data;
      return [d[0]!, d[1]!, d[2]!, d[3]! / 255];
    };
    /** Source-over of `c` on `b`, both with alpha (colour channels not premultiplied). */
    const over = (c: Rgba, b: Rgba): Rgba => {
      const a = c[3] + b[3] * (1 - c[3]);
      if (a === 0) return [0, 0, 0, 0];
      return [0, 1, 2].map((i) => (c[i]! * c[3] + b[i]! * b[3] * (1 - c[3])) / a).concat(a) as Rgba;
    };
    const lum = (c: Rgba): number => {
      const [r, g, b] = [c[0], c[1], c[2]].map((v) => {
        const s = v / 255;
        return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      }) as [number, number, number];
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const hex = (c: Rgba): string => '#' + [c[0], c[1], c[2]].map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');
    const describe = (el: Element): string => {
      const id = el.id ? `#${el.id}` : '';
      const cls = typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\s+/).join('.') : '';
      const tid = el.getAttribute('data-testid');
      return `${el.tagName.toLowerCase()}${id}${cls}${tid ? `[data-testid=${tid}]` : ''}`;
    };

    /**
     * Applies a computed `filter` to one colour (sRGB values, as Chromium applies the filter
     * functions). Returns null for a filter this cannot follow (blur, drop-shadow, url(), …).
     */
    const filtered = (c: Rgba, filter: string): Rgba | null => {
      if (filter === 'none') return c;
      let out: Rgba = [...c];
      for (const [, fn, arg] of filter.matchAll(/([a-z-]+)\(([^)]*)\)/g)) {
        const v = arg!.trim().endsWith('%') ? parseFloat(arg!) / 100 : parseFloat(arg!);
        const [r, g, b, a] = out;
        if (fn === 'grayscale') {
          const k = 1 - Math.min(1, v);
          out = [
            (0.2126 + 0.7874 * k) * r + (0.7152 - 0.7152 * k) * g + (0.0722 - 0.0722 * k) * b,
            (0.2126 - 0.2126 * k) * r + (0.7152 + 0.2848 * k) * g + (0.0722 - 0.0722 * k) * b,
            (0.2126 - 0.2126 * k) * r + (0.7152 - 0.7152 * k) * g + (0.0722 + 0.9278 * k) * b,
            a,
          ];
        } else if (fn === 'saturate') {
          out = [
            (0.2126 + 0.7874 * v) * r + (0.7152 - 0.7152 * v) * g + (0.0722 - 0.0722 * v) * b,
            (0.2126 - 0.2126 * v) * r + (0.7152 + 0.2848 * v) * g + (0.0722 - 0.0722 * v) * b,
            (0.2126 - 0.2126 * v) * r + (0.7152 - 0.7152 * v) * g + (0.0722 + 0.9278 * v) * b,
            a,
          ];
        } else if (fn === 'brightness') out = [r * v, g * v, b * v, a];
        else if (fn === 'contrast') out = [r, g, b].map((x) => x * v + 127.5 * (1 - v)).concat(a) as Rgba;
        else if (fn === 'invert') out = [r, g, b].map((x) => x * (1 - v) + (255 - x) * Math.min(1, v)).concat(a) as Rgba;
        else if (fn === 'opacity') out = [r, g, b, a * Math.min(1, v)];
        else return null;
        out = [0, 1, 2].map((i) => Math.max(0, Math.min(255, out[i]!))).concat(out[3]) as Rgba;
      }
      return out;
    };

    /**
     * Effective colours of text in `el` whose own colour is `color`: each element from <html>
     * down to `el` is a group (its background under its children, then its `filter`, then its
     * `opacity`), composited over a white canvas. Returns a reason instead when a background
     * image or a filter this cannot follow sits on the way.
     */
    const effective = (el: Element, color: Rgba): { fg: Rgba; bg: Rgba } | string => {
      const chain: { bg: Rgba; opacity: number; filter: string }[] = [];
      for (let e: Element | null = el; e; e = e.parentElement) {
        const cs = getComputedStyle(e);
        if (cs.backgroundImage !== 'none') return 'background image';
        chain.unshift({ bg: parse(cs.backgroundColor), opacity: parseFloat(cs.opacity), filter: cs.filter });
      }
      const clear: Rgba = [0, 0, 0, 0];
      const group = (i: number, text: boolean): Rgba | null => {
        if (i === chain.length) return text ? color : clear;
        const inner = group(i + 1, text);
        if (!inner) return null;
        const painted = filtered(over(inner, chain[i]!.bg), chain[i]!.filter);
        return painted && [painted[0], painted[1], painted[2], painted[3] * chain[i]!.opacity];
      };
      const white: Rgba = [255, 255, 255, 1];
      const fg = group(0, true);
      const bg = group(0, false);
      if (!fg || !bg) return `filter ${chain.find((c) => c.filter !== 'none')?.filter ?? ''}`;
      return { fg: over(fg, white), bg: over(bg, white) };
    };

    const failures: {
      element: string;
      text: string;
      fg: string;
      bg: string;
      ratio: number;
      required: number;
    }[] = [];
    const skipped: string[] = [];
    let checked = 0;
    const seen = new Set<string>();
    const measure = (el: Element, text: string, cs: CSSStyleDeclaration, color: string): void => {
      const key = `${describe(el)}|${text}`;
      if (seen.has(key)) return;
      seen.add(key);
      const short = text.length > 60 ? `${text.slice(0, 57)}…` : text;
      if (el.closest(':disabled, [aria-disabled="true"]')) {
        skipped.push(`${describe(el)} "${short}": disabled control`);
        return;
      }
      const c = effective(el, parse(color));
      if (typeof c === 'string') {
        skipped.push(`${describe(el)} "${short}": ${c}`);
        return;
      }
      checked++;
      const [l1, l2] = [lum(c.fg), lum(c.bg)].sort((a, b) => b - a) as [number, number];
      const ratio = (l1 + 0.05) / (l2 + 0.05);
      const size = parseFloat(cs.fontSize);
      const bold = parseInt(cs.fontWeight, 10) >= 700;
      const required = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
      if (ratio < required) failures.push({ element: describe(el), text: short, fg: hex(c.fg), bg: hex(c.bg), ratio: Math.floor(ratio * 100) / 100, required });
    };
    const visible = (el: Element): boolean =>
      el.checkVisibility({ opacityProperty: true, visibilityProperty: true, contentVisibilityAuto: true });

    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = (n.textContent ?? '').replace(/\s+/g, ' ').trim();
      const el = n.parentElement;
      if (!text || !el || el.closest('script, style, noscript, template, textarea, select')) continue;
      if (!visible(el)) continue;
      const range = document.createRange();
      range.selectNodeContents(n);
      const r = range.getBoundingClientRect();
      if (r.width <= 1 || r.height <= 1) continue; // clipped screen-reader-only text
      const cs = getComputedStyle(el);
      measure(el, text, cs, cs.color);
    }
    // Form fields: their value, or their placeholder when empty (not text nodes).
    for (const el of Array.from(document.querySelectorAll('input, textarea, select'))) {
      if (!visible(el)) continue;
      if (el instanceof HTMLInputElement && ['checkbox', 'radio', 'hidden', 'range', 'color', 'file', 'image'].includes(el.type)) continue;
      const cs = getComputedStyle(el);
      if (el instanceof HTMLSelectElement) {
        const text = el.selectedOptions[0]?.textContent?.trim() ?? '';
        if (text) measure(el, text, cs, cs.color);
        continue;
      }
      const field = el as HTMLInputElement | HTMLTextAreaElement;
      const value = field.value.replace(/\s+/g, ' ').trim();
      if (value) measure(el, el instanceof HTMLInputElement && el.type === 'password' ? '•••' : value, cs, cs.color);
      else if (field.placeholder) measure(el, `(placeholder) ${field.placeholder}`, cs, getComputedStyle(el, '::placeholder').color);
    }
    return { checked, failures, skipped };
  });
}

/** One line per failure: `ratio < required  "text"  fg on bg  element`. */
export function formatFailures(failures: ContrastFailure[]): string {
  return failures.map((f) => `${f.ratio.toFixed(2)}:1 < ${f.required}:1  "${f.text}"  ${f.fg} on ${f.bg}  ${f.element}`).join('\n');
}
