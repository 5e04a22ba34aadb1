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
            // A schema typed as zod's classic base class makes the type-checker relate the schema's
            // own class to it, which computes the variance of every zod class: that was half of
            // `npm run typecheck`'s checking (tsgo --generateTrace). zod's core type costs nothing.
            // (`z.output<z.ZodObject<Shape>>` only reads a type, and stays allowed.)
            "no-restricted-syntax": [
                "error",
                {
                    selector:
                        "TSTypeReference:not([typeArguments]) > TSQualifiedName[left.name='z'][right.name=/^(ZodType|ZodTypeAny|ZodObject)$/]",
                    message:
                        "Type a schema as z.core.$ZodType (and parse it with z.safeParse), not as the classic z.ZodType or z.ZodObject.",
                },
            ],
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
