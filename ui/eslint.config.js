// ESLint (flat config) for the window's TypeScript: the recommended rules
// of ESLint and typescript-eslint with type information. Run by
// `npm run lint`, a step of `.ci/run` (the test command).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "src/bindings/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ["vite.config.ts"] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // DOM event handlers (`onclick: async () => …`, `addEventListener`)
      // may be async: each catches its own errors and shows them
      // (showError/toast). Floating promises are still refused.
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { arguments: false, attributes: false, properties: false } }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  { files: ["eslint.config.js"], ...tseslint.configs.disableTypeChecked },
);
