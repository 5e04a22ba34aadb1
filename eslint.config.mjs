// Lint: typescript-eslint's recommended rules, Pulumi's rules against Outputs in template
// literals (they need type information, so the linter reads tsconfig.json), and the few habits
// of CONTRIBUTING.md a machine can check.
import pulumi from "@pulumi/eslint-plugin";
import tseslint from "typescript-eslint";

export default tseslint.config(
    // The lint fixture breaks a rule on purpose; tests/lint.test.ts lints it explicitly. out/ is built.
    // Conformance packs are plain JavaScript as outside teams ship them (CommonJS require).
    {
        ignores: [
            "node_modules/**",
            "tests/fixtures/conformance/**/*.js",
            "out/**",
            "tests/fixtures/policy-packs/**",
            "tests/fixtures/lint/**",
        ],
    },
    ...tseslint.configs.recommended,
    {
        files: ["**/*.ts"],
        languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
        plugins: { "@pulumi": pulumi },
        rules: {
            "@pulumi/no-output-in-template-literal": "error",
            "@pulumi/no-output-instance-in-template-literal": "error",
            eqeqeq: "error",
            "no-var": "error",
            "prefer-const": "error",
            "@typescript-eslint/no-floating-promises": "error",
        },
    },
    {
        // A .cjs file is CommonJS: require is how it imports.
        files: ["**/*.cjs"],
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
    {
        // Tests read planned inputs, which are untyped JSON by nature.
        files: ["tests/**/*.ts"],
        rules: { "@typescript-eslint/no-explicit-any": "off" },
    },
);
