import type { FormErrors } from "@mantine/form";
import type { z } from "zod";

/**
 * A @mantine/form `validate` from a shared zod schema (src/shared/api): the server's own body
 * schema decides what the form may send, so the two cannot drift. `body` turns the form's values
 * into the request body; each field the schema refuses gets `message(field)` (the caller's words,
 * from the i18n catalogs); `more` adds what only the form knows (a repeated password).
 */
export function schemaValidate<V>(schema: z.ZodType, body: (v: V) => unknown, message: (field: string) => string, more?: (v: V, errors: FormErrors) => void) {
  return (v: V): FormErrors => {
    const errors: FormErrors = {};
    const r = schema.safeParse(body(v));
    if (!r.success) {
      for (const issue of r.error.issues) {
        const field = String(issue.path[0] ?? "");
        errors[field] ??= message(field);
      }
    }
    more?.(v, errors);
    return errors;
  };
}
