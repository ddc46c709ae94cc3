import { Text, Title } from "@mantine/core";

/**
 * A page's heading and, under it, the one-line reminder of what the page is for: the same size
 * and place on every page, so a tired reader finds them without looking.
 */
export function PageHeader({ title, intro }: { title: string; intro?: string | undefined }) {
  return (
    <div>
      <Title order={1} size="h2">
        {title}
      </Title>
      {intro && (
        <Text size="sm" c="dimmed">
          {intro}
        </Text>
      )}
    </div>
  );
}
