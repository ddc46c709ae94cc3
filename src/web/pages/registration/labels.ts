import type { TFunction } from "i18next";

/** A record field's label from the catalogs (the key names the field; an unknown one is shown as it is). */
export const fieldLabel = (t: TFunction, f: string) => t(`registration.fields.${f}` as never, { defaultValue: f });
