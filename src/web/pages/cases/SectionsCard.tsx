import { Card, Stack, Table, Text, Title } from "@mantine/core";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { fieldDecl, SECTION_FIELDS, type FieldDecl } from "../../../shared/sections";
import type { CaseDetail } from "../../api/cases";
import { formatDateTime, translateKnown } from "../../i18n";

const EMPTY = "—";

/** A date-only value as the viewer's calendar shows it; a timestamp with its time. */
function showDate(v: string): string {
  if (/^\d{4}-\d\d-\d\d$/.test(v)) return new Date(`${v}T00:00:00Z`).toLocaleDateString(undefined, { timeZone: "UTC" });
  return Number.isNaN(Date.parse(v)) ? v : formatDateTime(v);
}

/**
 * A stored value in words, by its declared kind (src/shared/sections.ts): codes become their
 * labels in the viewer's language; a code the catalog does not know is shown as it is.
 */
export function showValue(t: TFunction, decl: FieldDecl | null, v: unknown): string {
  if (v === null || v === undefined || v === "" || (Array.isArray(v) && v.length === 0)) return EMPTY;
  const label = (code: unknown) => (decl?.choices ? translateKnown(t, `choices.${decl.choices}.${String(code)}`, String(code)) : String(code));
  switch (decl?.kind) {
    case "choice":
      return label(v);
    case "choices":
      return (Array.isArray(v) ? v : [v]).map(label).join(", ");
    case "boolean": {
      const yes = v === true || v === "true" || v === "yes";
      const no = v === false || v === "false" || v === "no";
      return yes || no ? t(`choices.boolean.${yes ? "true" : "false"}`) : String(v);
    }
    case "date":
      return typeof v === "string" ? showDate(v) : String(v);
    default:
      return typeof v === "object" ? JSON.stringify(v) : String(v);
  }
}

/** Declared fields in their declared order, then any field the declaration does not know. */
function orderedFields(section: string, value: Record<string, unknown>): string[] {
  const declared = Object.keys((SECTION_FIELDS as Record<string, Record<string, FieldDecl>>)[section] ?? {});
  return [...declared.filter((k) => k in value), ...Object.keys(value).filter((k) => !declared.includes(k))];
}

/** The decrypted sections this role may read, every value labelled; others are simply absent. */
export function SectionsCard({ c }: { c: CaseDetail }) {
  const { t } = useTranslation();
  const names = Object.keys(c.sections);
  return (
    <Card withBorder padding="md" data-testid="case-sections">
      <Title order={2} size="h5" mb="xs">
        {t("case.sections.title")}
      </Title>
      {names.length === 0 && (
        <Text c="dimmed" size="sm">
          {t("case.sections.none")}
        </Text>
      )}
      <Stack gap="sm">
        {names.map((s) => {
          const value = c.sections[s] ?? {};
          return (
            <div key={s} data-testid={`section-${s}`}>
              <Text size="xs" tt="uppercase" c="dimmed" fw={600}>
                {translateKnown(t, `case.sections.names.${s}`, s)}
              </Text>
              <Table withRowBorders={false} verticalSpacing={2}>
                <Table.Tbody>
                  {orderedFields(s, value).map((k) => (
                    <Table.Tr key={k} data-testid={`field-${s}-${k}`}>
                      <Table.Td w="45%">
                        <Text size="sm" c="dimmed">
                          {translateKnown(t, `sections.${s}.${k}`, k)}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" style={{ wordBreak: "break-word", whiteSpace: "pre-wrap" }}>
                          {showValue(t, fieldDecl(s, k), value[k])}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </div>
          );
        })}
      </Stack>
    </Card>
  );
}
