import { marked } from "marked";

function escapeHtml(text: string): string {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A report's Markdown as one standalone HTML page, readable without a Markdown viewer. */
export function htmlPage(title: string, markdown: string, maxWidthRem: number): string {
    return [
        "<!doctype html>",
        `<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>`,
        `<style>body{font-family:system-ui,sans-serif;max-width:${maxWidthRem}rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25rem .5rem;vertical-align:top}code{font-size:.85em}</style>`,
        "</head><body>",
        marked.parse(markdown, { async: false }),
        "</body></html>",
        "",
    ].join("\n");
}
