import { Group, Kbd, Modal, Stack, Table, Text } from "@mantine/core";
import { useHotkeys } from "@mantine/hooks";
import { createContext, useContext, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { Catalog } from "../i18n";

type Action = keyof Catalog["shortcuts"]["actions"];

/** The console's keyboard shortcuts, shown in the help (?) and bound by the pages. */
export const SHORTCUTS: { keys: string[]; action: Action }[] = [
  { keys: ["j"], action: "next" },
  { keys: ["k"], action: "previous" },
  { keys: ["Enter"], action: "open" },
  { keys: ["r"], action: "reply" },
  { keys: ["n"], action: "note" },
  { keys: ["a"], action: "assignMe" },
  { keys: ["e"], action: "state" },
  { keys: ["i"], action: "inbox" },
  { keys: ["/"], action: "search" },
  { keys: ["Ctrl", "Enter"], action: "send" },
  { keys: ["Esc"], action: "back" },
  { keys: ["?"], action: "help" },
];

/**
 * Bind shortcuts by the physical key, so they work the same with a Ukrainian or Russian layout
 * (the key labelled J types "о" there). Typing in a field never triggers them.
 */
export function useConsoleHotkeys(bindings: [string, () => void][]) {
  useHotkeys(bindings.map(([k, fn]) => [k, fn, { usePhysicalKeys: true }]));
}

/**
 * j/k move the selection through a list and Enter (or o) opens the selected row: the inbox and
 * the verification queue share this, so a key means the same on every list of the console.
 */
export function useListHotkeys<T>(items: T[], open: (item: T) => void) {
  const [selected, setSelected] = useState(0);
  const at = Math.min(selected, Math.max(items.length - 1, 0));
  const openSelected = () => {
    const item = items[at];
    if (item !== undefined) open(item);
  };
  useConsoleHotkeys([
    ["j", () => setSelected(Math.min(at + 1, items.length - 1))],
    ["k", () => setSelected(Math.max(at - 1, 0))],
    ["enter", openSelected],
    ["o", openSelected],
  ]);
  return [at, setSelected] as const;
}

const HelpContext = createContext<() => void>(() => {});
export const useShowShortcuts = () => useContext(HelpContext);

export function ShortcutsProvider({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const [opened, setOpened] = useState(false);
  useConsoleHotkeys([["shift+slash", () => setOpened((o) => !o)]]);
  return (
    <HelpContext.Provider value={() => setOpened(true)}>
      {children}
      <Modal opened={opened} onClose={() => setOpened(false)} title={t("shortcuts.title")} size="md">
        <Stack gap="xs" data-testid="shortcuts-help">
          <Text size="sm" c="dimmed">
            {t("shortcuts.intro")}
          </Text>
          <Table>
            <Table.Tbody>
              {SHORTCUTS.map((s) => (
                <Table.Tr key={s.action}>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      {s.keys.map((k) => (
                        <Kbd key={k}>{k}</Kbd>
                      ))}
                    </Group>
                  </Table.Td>
                  <Table.Td>{t(`shortcuts.actions.${s.action}`)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Stack>
      </Modal>
    </HelpContext.Provider>
  );
}
