/** The order of the inbox as last shown, so j/k in a case view move to the next or previous case. */
let order: string[] = [];

export function rememberInboxOrder(ids: string[]) {
  order = ids;
}

export function neighbourCase(id: string, step: 1 | -1): string | null {
  const i = order.indexOf(id);
  if (i === -1) return null;
  return order[i + step] ?? null;
}
