import { Anchor, Button, FileButton, Group, Stack, Text } from "@mantine/core";
import { useRef, type ComponentProps } from "react";
import { useTranslation } from "react-i18next";
import type { TFunction } from "i18next";
import { formatDateTime } from "../i18n";

/** A stored file as the API lists it: case attachments and claim photos alike. */
export interface ListedFile {
  id: string;
  name: string;
  size: number;
  createdAt: string;
  /** Who added it, where the API says so. */
  addedBy?: string | null;
}

/**
 * The files of a record, each a download link. Files are only ever downloaded (the server sends
 * them as a sandboxed attachment), never shown inside the console's origin, so a hostile file
 * cannot run in the staff console.
 */
export function FileRows({ files, urlOf, rowTestId }: { files: ListedFile[]; urlOf: (id: string) => string; rowTestId?: string }) {
  const { t } = useTranslation();
  return (
    <Stack gap={4} component="ul" style={{ listStyle: "none", padding: 0, margin: 0 }}>
      {files.map((f) => (
        <Group component="li" key={f.id} justify="space-between" wrap="nowrap" data-testid={rowTestId} data-name={f.name}>
          <Anchor href={urlOf(f.id)} download={f.name} size="sm" style={{ wordBreak: "break-all" }} title={t("files.download", { name: f.name })}>
            {f.name}
          </Anchor>
          <Text size="xs" c="dimmed" style={{ whiteSpace: "nowrap" }}>
            {[fileSize(t, f.size), formatDateTime(f.createdAt), f.addedBy].filter(Boolean).join(" · ")}
          </Text>
        </Group>
      ))}
    </Stack>
  );
}

/** Bytes below a kilobyte as bytes (a photo of a few bytes is not "1 KB"), else whole kilobytes. */
export function fileSize(t: TFunction, bytes: number): string {
  return bytes < 1024 ? t("files.bytes", { n: bytes }) : t("files.kb", { n: Math.round(bytes / 1024) });
}

/**
 * A button that opens the file picker and hands over the one file chosen; the picker is reset
 * after each pick, so the same file can be chosen again after a refusal.
 */
export function AddFileButton({ label, onFile, loading, accept, testId }: { label: string; onFile: (file: File) => void; loading: boolean; accept?: string; testId?: string }) {
  const reset = useRef<() => void>(null);
  const pick = (file: File | null) => {
    reset.current?.();
    if (file) onFile(file);
  };
  return (
    <FileButton onChange={pick} resetRef={reset} {...(accept ? { accept } : {})} inputProps={{ "aria-label": label, ...(testId ? { "data-testid": `${testId}-input` } : {}) } as ComponentProps<"input">}>
      {(props) => (
        <Button {...props} size="compact-sm" variant="light" loading={loading} data-testid={testId}>
          {label}
        </Button>
      )}
    </FileButton>
  );
}
