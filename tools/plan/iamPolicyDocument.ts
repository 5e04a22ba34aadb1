import { crc32 } from "node:zlib";

/**
 * `aws.iam.getPolicyDocument` computed as the provider computes it, from the Terraform AWS
 * provider's `internal/service/iam/policy_document_data_source.go` and `policy_model.go`:
 * statements keep the program's order, a list of one value is written as that value, principal
 * types and condition operators are JSON object keys (Go sorts map keys), Effect defaults to
 * Allow and Version to 2012-10-17. `sourcePolicyDocuments` come first; a statement of the
 * program or of `overridePolicyDocuments` replaces one with the same Sid.
 * `json` is indented by two spaces, `minifiedJson` is compact, and the id is the CRC-32 of `json`.
 */

interface PrincipalInput {
    readonly type?: string;
    readonly identifiers?: readonly string[];
}
interface ConditionInput {
    readonly test?: string;
    readonly variable?: string;
    readonly values?: readonly string[];
}
interface StatementInput {
    readonly sid?: string;
    readonly effect?: string;
    readonly actions?: readonly string[];
    readonly notActions?: readonly string[];
    readonly resources?: readonly string[];
    readonly notResources?: readonly string[];
    readonly principals?: readonly PrincipalInput[];
    readonly notPrincipals?: readonly PrincipalInput[];
    readonly conditions?: readonly ConditionInput[];
}

type Statement = Record<string, unknown>;

export function renderPolicyDocument(inputs: Record<string, unknown>): { id: string; json: string; minifiedJson: string } {
    const statements: Statement[] = [];
    const bySid = (sid: unknown) =>
        typeof sid === "string" && sid !== "" ? statements.findIndex((statement) => statement.Sid === sid) : -1;
    const merge = (statement: Statement) => {
        const existing = bySid(statement.Sid);
        if (existing >= 0) {
            statements[existing] = statement;
        } else {
            statements.push(statement);
        }
    };
    let version = typeof inputs.version === "string" ? inputs.version : undefined;
    for (const source of stringList(inputs.sourcePolicyDocuments)) {
        const document = JSON.parse(source) as { Version?: string; Statement?: Statement | Statement[] };
        version ??= document.Version;
        for (const statement of asArray(document.Statement)) {
            merge(statement);
        }
    }
    for (const statement of (inputs.statements as StatementInput[] | undefined) ?? []) {
        merge(renderStatement(statement));
    }
    for (const override of stringList(inputs.overridePolicyDocuments)) {
        for (const statement of asArray((JSON.parse(override) as { Statement?: Statement | Statement[] }).Statement)) {
            merge(statement);
        }
    }
    const document: Record<string, unknown> = { Version: version ?? "2012-10-17" };
    if (typeof inputs.policyId === "string" && inputs.policyId !== "") {
        document.Id = inputs.policyId;
    }
    if (statements.length > 0) {
        document.Statement = statements;
    }
    const json = JSON.stringify(document, null, 2);
    return { id: String(crc32(json)), json, minifiedJson: JSON.stringify(document) };
}

function renderStatement(input: StatementInput): Statement {
    const statement: Statement = {};
    if (input.sid) {
        statement.Sid = input.sid;
    }
    statement.Effect = input.effect || "Allow";
    setList(statement, "Action", input.actions);
    setList(statement, "NotAction", input.notActions);
    setList(statement, "Resource", input.resources);
    setList(statement, "NotResource", input.notResources);
    setPrincipals(statement, "Principal", input.principals);
    setPrincipals(statement, "NotPrincipal", input.notPrincipals);
    if (input.conditions?.length) {
        const conditions: Record<string, Record<string, string[]>> = {};
        for (const condition of input.conditions) {
            const test = (conditions[String(condition.test)] ??= {});
            (test[String(condition.variable)] ??= []).push(...(condition.values ?? []));
        }
        statement.Condition = sortedObject(
            Object.fromEntries(
                Object.entries(conditions).map(([test, variables]) => [
                    test,
                    sortedObject(Object.fromEntries(Object.entries(variables).map(([variable, values]) => [variable, oneOrMany(values)]))),
                ]),
            ),
        );
    }
    return statement;
}

function setList(statement: Statement, key: string, values: readonly string[] | undefined): void {
    if (values?.length) {
        statement[key] = oneOrMany(values);
    }
}

function setPrincipals(statement: Statement, key: string, principals: readonly PrincipalInput[] | undefined): void {
    if (!principals?.length) {
        return;
    }
    // A lone {type: "*", identifiers: ["*"]} is written as the bare wildcard, as AWS documents it.
    if (
        principals.length === 1 &&
        principals[0].type === "*" &&
        principals[0].identifiers?.length === 1 &&
        principals[0].identifiers[0] === "*"
    ) {
        statement[key] = "*";
        return;
    }
    const byType: Record<string, string[]> = {};
    for (const principal of principals) {
        (byType[String(principal.type)] ??= []).push(...(principal.identifiers ?? []));
    }
    statement[key] = sortedObject(Object.fromEntries(Object.entries(byType).map(([type, identifiers]) => [type, oneOrMany(identifiers)])));
}

function oneOrMany(values: readonly string[]): string | string[] {
    return values.length === 1 ? values[0] : [...values];
}

function sortedObject<Value>(record: Record<string, Value>): Record<string, Value> {
    return Object.fromEntries(Object.entries(record).sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0)));
}

function stringList(value: unknown): string[] {
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

function asArray(statement: Statement | Statement[] | undefined): Statement[] {
    return statement === undefined ? [] : Array.isArray(statement) ? statement : [statement];
}
