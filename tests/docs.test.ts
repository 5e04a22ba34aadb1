import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import ts from "typescript";
import { REPOSITORY_ROOT } from "./helpers";

/**
 * The documentation standard of `components/` (CONTRIBUTING.md), read from the source alone: each file is parsed,
 * never type-checked, so the check costs milliseconds. An argument shape is every exported interface named `*Args`,
 * each component's constructor `args` type, and every interface those extend or use in a property's type, since a
 * caller fills those in too. Each property of a shape has a JSDoc comment, and an optional one an `@default` tag.
 * Each exported class extending `pulumi.ComponentResource` has a JSDoc summary, and so has each public member.
 */
export interface DocumentedMember {
    readonly file: string;
    readonly owner: string;
    readonly member: string;
    readonly kind: "argument" | "output" | "component";
    readonly documented: boolean;
    /** Set on optional arguments only: whether the comment carries an `@default` tag. */
    readonly hasDefault?: boolean;
}

interface InterfaceSite {
    readonly file: string;
    readonly declaration: ts.InterfaceDeclaration | ts.TypeLiteralNode;
}

/** The TypeScript sources under a folder, `components/` unless told. */
export function componentSourceFiles(root = path.join(REPOSITORY_ROOT, "components")): string[] {
    return fs
        .readdirSync(root, { recursive: true, encoding: "utf8" })
        .filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"))
        .map((file) => path.join(root, file))
        .sort();
}

function docComment(node: ts.Node): ts.JSDoc | undefined {
    const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
    return docs.at(-1);
}

function hasText(comment: string | ts.NodeArray<ts.JSDocComment> | undefined): boolean {
    return (ts.getTextOfJSDocComment(comment)?.trim() ?? "") !== "";
}

function hasDefaultTag(doc: ts.JSDoc | undefined): boolean {
    return (doc?.tags ?? []).some((tag) => tag.tagName.text === "default" && hasText(tag.comment));
}

function isExported(node: ts.Node): boolean {
    return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword);
}

function extendsComponentResource(node: ts.ClassDeclaration): boolean {
    return (node.heritageClauses ?? []).some(
        (clause) =>
            clause.token === ts.SyntaxKind.ExtendsKeyword &&
            clause.types.some((type) => /(^|\.)ComponentResource$/.test(type.expression.getText())),
    );
}

function isPublicMember(member: ts.ClassElement): boolean {
    if (ts.isConstructorDeclaration(member) || ts.isClassStaticBlockDeclaration(member) || ts.isSemicolonClassElement(member)) return false;
    if (member.name && ts.isPrivateIdentifier(member.name)) return false;
    const modifiers = ts.canHaveModifiers(member) ? (ts.getModifiers(member) ?? []) : [];
    return !modifiers.some(
        (modifier) => modifier.kind === ts.SyntaxKind.PrivateKeyword || modifier.kind === ts.SyntaxKind.ProtectedKeyword,
    );
}

/** Names of the types a type node refers to, e.g. `readonly Spec[]` and `pulumi.Input<Spec>` both name `Spec`. */
function referencedTypeNames(node: ts.Node | undefined): string[] {
    if (!node) return [];
    const names: string[] = [];
    const visit = (child: ts.Node): void => {
        if (ts.isTypeReferenceNode(child) || ts.isExpressionWithTypeArguments(child)) {
            const name = ts.isTypeReferenceNode(child) ? child.typeName : child.expression;
            names.push(name.getText().split(".").at(-1) ?? "");
        }
        ts.forEachChild(child, visit);
    };
    visit(node);
    return names;
}

/** Object types written inline in a type node, outermost only: `readonly { port: number }[]` holds one. */
function inlineObjectTypes(node: ts.Node | undefined): ts.TypeLiteralNode[] {
    if (!node) return [];
    if (ts.isTypeLiteralNode(node)) return [node];
    if (ts.isFunctionTypeNode(node)) return [];
    const found: ts.TypeLiteralNode[] = [];
    ts.forEachChild(node, (child) => {
        found.push(...inlineObjectTypes(child));
    });
    return found;
}

/**
 * Every argument property and public component member of the given files, with whether it is documented. The
 * referenced files (`model/`) are read only for the types an argument uses: a type moved there stays checked.
 */
export function documentationInventory(
    files: readonly string[] = componentSourceFiles(),
    referencedFiles: readonly string[] = componentSourceFiles(path.join(REPOSITORY_ROOT, "model")),
): DocumentedMember[] {
    const interfaces = new Map<string, InterfaceSite[]>();
    const aliases = new Map<string, ts.TypeNode>();
    const roots: string[] = [];
    const classes: { file: string; declaration: ts.ClassDeclaration }[] = [];
    for (const file of [...files, ...referencedFiles]) {
        const relative = path.relative(REPOSITORY_ROOT, file);
        const isRoot = files.includes(file);
        const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
        for (const statement of source.statements) {
            if (ts.isInterfaceDeclaration(statement)) {
                const name = statement.name.text;
                interfaces.set(name, [...(interfaces.get(name) ?? []), { file: relative, declaration: statement }]);
                if (isRoot && isExported(statement) && name.endsWith("Args")) roots.push(name);
            } else if (ts.isTypeAliasDeclaration(statement)) {
                aliases.set(statement.name.text, statement.type);
                if (isRoot && isExported(statement) && statement.name.text.endsWith("Args")) roots.push(statement.name.text);
            } else if (
                isRoot &&
                ts.isClassDeclaration(statement) &&
                statement.name &&
                isExported(statement) &&
                extendsComponentResource(statement)
            ) {
                classes.push({ file: relative, declaration: statement });
                const constructor = statement.members.find(ts.isConstructorDeclaration);
                roots.push(...referencedTypeNames(constructor?.parameters[1]?.type));
            }
        }
    }

    const inventory: DocumentedMember[] = [];
    const seen = new Set<string>();
    const pending = [...roots];
    /** Records each property, and those of object types written inline in its type (`gateway?: { replicas: number }`). */
    const recordArguments = (file: string, owner: string, members: ts.NodeArray<ts.TypeElement>): void => {
        for (const member of members) {
            if (!ts.isPropertySignature(member) && !ts.isMethodSignature(member)) continue;
            const doc = docComment(member);
            const optional = member.questionToken !== undefined;
            inventory.push({
                file,
                owner,
                member: member.name.getText(),
                kind: "argument",
                documented: hasText(doc?.comment),
                ...(optional ? { hasDefault: hasDefaultTag(doc) } : {}),
            });
            pending.push(...referencedTypeNames(member.type));
            for (const literal of inlineObjectTypes(member.type))
                recordArguments(file, `${owner}.${member.name.getText()}`, literal.members);
        }
    };
    while (pending.length > 0) {
        const name = pending.shift() as string;
        if (seen.has(name)) continue;
        seen.add(name);
        const alias = aliases.get(name);
        if (alias) {
            pending.push(...referencedTypeNames(alias));
            continue;
        }
        for (const { file, declaration } of interfaces.get(name) ?? []) {
            if (ts.isInterfaceDeclaration(declaration)) {
                for (const clause of declaration.heritageClauses ?? []) pending.push(...clause.types.flatMap(referencedTypeNames));
            }
            recordArguments(file, name, declaration.members);
        }
    }

    for (const { file, declaration } of classes) {
        const owner = declaration.name?.text ?? "";
        inventory.push({ file, owner, member: owner, kind: "component", documented: hasText(docComment(declaration)?.comment) });
        for (const member of declaration.members.filter(isPublicMember)) {
            inventory.push({
                file,
                owner,
                member: member.name?.getText() ?? "",
                kind: "output",
                documented: hasText(docComment(member)?.comment),
            });
        }
    }
    return inventory;
}

/** One line per missing comment or `@default`, naming the file, the interface or class and the member. */
export function documentationGaps(inventory: readonly DocumentedMember[]): string[] {
    return inventory.flatMap((entry) => {
        const where = `${entry.file}: ${entry.owner}${entry.kind === "component" ? "" : `.${entry.member}`}`;
        if (!entry.documented) {
            const what = { argument: "argument", output: "public member", component: "component class" }[entry.kind];
            return [`${where}: ${what} has no JSDoc comment`];
        }
        if (entry.hasDefault === false) return [`${where}: optional argument has no \`@default - <behaviour>\` tag`];
        return [];
    });
}

function writeFixture(directory: string, source: string): string {
    const file = path.join(directory, "fixture.ts");
    fs.writeFileSync(file, source);
    return file;
}

describe("component documentation", () => {
    it("documents every argument (with @default when optional), every component and every public output in components/", () => {
        const inventory = documentationInventory();
        assert.ok(inventory.filter((entry) => entry.kind === "component").length >= 30, "the scan found the component classes");
        const gaps = documentationGaps(inventory);
        assert.deepEqual(gaps, [], `${gaps.length} missing (CONTRIBUTING.md, "Documentation"):\n${gaps.join("\n")}`);
    });

    describe("the check", () => {
        let directory: string;
        beforeEach(() => {
            directory = fs.mkdtempSync(path.join(os.tmpdir(), "beacon-docs-"));
        });
        afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

        const documented = `
import * as pulumi from "@pulumi/pulumi";
/** Shared placement. */
interface Placement {
    /** Region name. */
    readonly region: string;
}
/** One listener. */
export interface Listener {
    /** Port number. */
    readonly port: number;
}
/** Arguments. */
export interface ThingArgs extends Placement {
    /** Size in GiB. */
    readonly sizeGiB: number;
    /**
     * Retention in days.
     * @default - 7 days
     */
    readonly retentionDays?: number;
    /** Listeners. */
    readonly listeners: readonly Listener[];
    /** Limits. */
    readonly limits: {
        /** CPU in cores. */
        readonly cpu: string;
    };
}
/** A thing. */
export class Thing extends pulumi.ComponentResource {
    /** Its id. */
    public readonly id: pulumi.Output<string>;
    private readonly hidden = 1;
    constructor(name: string, args: ThingArgs, opts?: pulumi.ComponentResourceOptions) {
        super("beacon:test:Thing", name, {}, opts);
        this.id = pulumi.output(name);
    }
}
`;

        it("passes a fully documented component", () => {
            assert.deepEqual(documentationGaps(documentationInventory([writeFixture(directory, documented)])), []);
        });

        it("checks a type the arguments use from a referenced file, and nothing else there", () => {
            const model = path.join(directory, "model.ts");
            fs.writeFileSync(
                model,
                "export interface Budget {\n    readonly usd: number;\n}\nexport interface UnusedArgs {\n    readonly x: number;\n}\n",
            );
            const component = writeFixture(
                directory,
                documented.replace(
                    "    readonly sizeGiB: number;\n",
                    "    readonly sizeGiB: number;\n    /** Spend. */\n    readonly budget: Budget;\n",
                ),
            );
            assert.deepEqual(documentationGaps(documentationInventory([component], [model])), [
                `${path.relative(REPOSITORY_ROOT, model)}: Budget.usd: argument has no JSDoc comment`,
            ]);
        });

        const removals: [string, string, string][] = [
            ["an argument's comment", "    /** Size in GiB. */\n", "ThingArgs.sizeGiB: argument has no JSDoc comment"],
            [
                "an optional argument's @default",
                "     * @default - 7 days\n",
                "ThingArgs.retentionDays: optional argument has no `@default - <behaviour>` tag",
            ],
            ["an inherited argument's comment", "    /** Region name. */\n", "Placement.region: argument has no JSDoc comment"],
            ["a nested argument's comment", "    /** Port number. */\n", "Listener.port: argument has no JSDoc comment"],
            ["an inline object's field comment", "        /** CPU in cores. */\n", "ThingArgs.limits.cpu: argument has no JSDoc comment"],
            ["a component's summary", "/** A thing. */\n", "Thing: component class has no JSDoc comment"],
            ["a public output's comment", "    /** Its id. */\n", "Thing.id: public member has no JSDoc comment"],
        ];
        for (const [removed, text, gap] of removals) {
            it(`names the file, owner and member when ${removed} is removed`, () => {
                assert.ok(documented.includes(text), `the fixture contains ${JSON.stringify(text)}`);
                const gaps = documentationGaps(documentationInventory([writeFixture(directory, documented.replace(text, ""))]));
                assert.equal(gaps.length, 1, gaps.join("\n"));
                const fixture = path.relative(REPOSITORY_ROOT, path.join(directory, "fixture.ts"));
                assert.equal(gaps[0], `${fixture}: ${gap}`);
            });
        }
    });
});
