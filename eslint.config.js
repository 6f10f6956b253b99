// Lint for the map page's script (geo/static/js, plain browser scripts sharing one global,
// GEO) and its node tests (tests/js). The vendored libraries are not ours to lint.
const js = require("@eslint/js");
const globals = require("globals");

module.exports = [
  { ignores: ["geo/static/vendor/**", "node_modules/**", "build/**", "**/*.min.js"] },
  js.configs.recommended,
  {
    files: ["geo/static/js/**/*.js", "geo/static/component/**/*.js"],
    languageOptions: {
      ecmaVersion: 2020,
      sourceType: "script",
      globals: { ...globals.browser, L: "readonly", GEO: "writable" },
    },
    rules: {
      "no-redeclare": ["error", { builtinGlobals: false }],
      "no-var": "off",
      eqeqeq: ["error", "always"],
      "no-implicit-globals": "off",
      "no-unused-vars": ["error", { args: "none", caughtErrors: "none" }],
    },
  },
  {
    files: ["tests/js/**/*.mjs", "eslint.config.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      globals: { ...globals.node },
    },
  },
  { files: ["eslint.config.js"], languageOptions: { sourceType: "commonjs" } },
];
