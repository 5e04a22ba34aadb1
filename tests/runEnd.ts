/**
 * What test files share for the whole run and the run stops at its end (mocha root hooks, loaded
 * through `.mocharc.json`'s `require`). Kept free of imports so that every run loads it cheaply.
 */
const closers: (() => void)[] = [];

/** Registers something started once per run (a shared pack process, say) to be stopped when the run ends. */
export function closeAtEndOfRun(close: () => void): void {
    closers.push(close);
}

export const mochaHooks = {
    afterAll() {
        for (const close of closers.splice(0)) {
            close();
        }
    },
};
