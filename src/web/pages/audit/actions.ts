import uk from "../../i18n/uk.json";

/**
 * Every action the audit page can name, from the catalog (both catalogs have the same keys, and a
 * test checks that every action the server writes is among them).
 */
export const AUDIT_ACTIONS: string[] = Object.entries(uk.audit.actions).flatMap(([group, actions]) => Object.keys(actions).map((a) => `${group}.${a}`));
export const AUDIT_ACTION_GROUPS: string[] = Object.keys(uk.audit.actions);
