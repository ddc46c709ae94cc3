/**
 * Props for a badge whose word must be read whole. Mantine cuts a badge's label with an ellipsis
 * (and writes it in capitals): a long state ("Перше погодження", "Погоджена, діятиме пізніше") in
 * a narrow cell on a phone lost its end. This one keeps the catalog's spelling and wraps instead.
 */
export const WHOLE_BADGE = { tt: "none", h: "auto", styles: { label: { whiteSpace: "normal", overflow: "visible", textOverflow: "clip" } } } as const;
