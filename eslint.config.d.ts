// Types for what test/unit/import-graph.test.ts reads from eslint.config.js.
/** Folder of src/ → the folders it may import (besides itself). */
export declare const LAYERS: Readonly<Record<string, readonly string[]>>;
/** Folders that run on a real clock. */
export declare const HOSTS: readonly string[];
declare const config: unknown;
export default config;
