import type { TFunction } from "i18next";

/** A record field's label from the catalogs (the key names the field; an unknown one is shown as it is). */
export const fieldLabel = (t: TFunction, f: string) => t(`registration.fields.${f}` as never, { defaultValue: f });

/** A card's state as a colour: sent (the agency's copy recorded as sent), still due, overdue. */
export const STATUS_COLOR = { sent: "green", due: "yellow", overdue: "red" } as const;

/** A day the server gives as YYYY-MM-DD (a calendar day, not an instant), shown in the reader's way without shifting it by his time zone. */
export const dayText = (day: string) => new Date(`${day}T00:00:00Z`).toLocaleDateString(undefined, { timeZone: "UTC" });
