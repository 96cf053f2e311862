// PGlite (the upgrade test reads an old PGlite folder) and file-type ship ESM that calls import(); swc must
// transform them or Jest crashes.
// sanitize-html's parser (htmlparser2 and the dom* packages, entities) is ESM-only too.
const esm = ["@electric-sql/pglite", "file-type", "strtok3", "token-types", "@tokenizer", "uint8array-extras", "@borewit",
  "htmlparser2", "domhandler", "domutils", "dom-serializer", "domelementtype", "entities"];
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.(c|m)?(t|j)sx?$": "@swc/jest" },
  moduleNameMapper: { "^file-type$": "<rootDir>/node_modules/file-type/index.js" },
  transformIgnorePatterns: [`/node_modules/(?!(${esm.join("|")})/)`],
  globalSetup: "<rootDir>/test/helpers/global-setup.ts",
  globalTeardown: "<rootDir>/test/helpers/global-teardown.ts",
  testTimeout: 30000,
};
