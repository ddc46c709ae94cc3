/** Resettlement (issue 14): the law's guarantees besides money and the family brought over. */
export { addGuarantee, addMember, addOfficer, addStep, updateTask } from "./commands.js";
export { readBoard, readCard } from "./read.js";
export { registerResettlementRoutes } from "./routes.js";
