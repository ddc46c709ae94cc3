import { caseScope } from "../cases/index.js";
export const x = caseScope;
