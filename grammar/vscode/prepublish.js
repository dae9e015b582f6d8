// Before packaging: the TextMate grammar (kept beside the pest grammar, in grammar/) and the
// project's licence go into the extension folder, so the .vsix carries exactly those files.
"use strict";

const fs = require("node:fs");
const path = require("node:path");

fs.mkdirSync(path.join(__dirname, "syntaxes"), { recursive: true });
fs.copyFileSync(
  path.join(__dirname, "..", "cors.tmLanguage.json"),
  path.join(__dirname, "syntaxes", "cors.tmLanguage.json")
);
fs.copyFileSync(path.join(__dirname, "..", "..", "LICENSE"), path.join(__dirname, "LICENSE"));
