/**
 * A tiny HTML template: `html\`<p>${text}</p>\`` escapes every interpolated value unless it is
 * already Html (another template, or `trusted()` for markup written in this folder). Arrays are
 * joined; null, undefined and false render nothing. Nothing an applicant typed can become markup.
 */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function render(value: unknown): string {
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join("");
  if (value === null || value === undefined || value === false) return "";
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0] ?? "";
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? "");
  return new Html(out);
}

/** Markup from this folder's own constants (CSS, a script): never for anything from a request. */
export function trusted(markup: string): Html {
  return new Html(markup);
}

/** `attr(cond, "checked")`: a boolean attribute when cond holds. */
export function attr(on: boolean | undefined, name: string): Html {
  return new Html(on ? ` ${name}` : "");
}
