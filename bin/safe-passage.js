#!/usr/bin/env node
// The CLI runs the compiled server (npm run build); see README.
import("../dist/server/main.js");
