/**
 * keepalived.conf: lexer, parser, typed model and keepalived's own checks.
 *
 *   parseConfig(text, { file, readFile?, fs?, configId?, host? }) → { model, diagnostics, notChecked, files }
 *   loadConfig(path, { configId?, host? })                        → same, reading from disk
 *   findConfigs(dir)                                               → paths of keepalived configs under dir
 */
export { parseConfig, type ParseOptions, type ParseResult, type HostDescription, type FileSystemView, type FileKind, type NotChecked } from './config.js';
export { loadConfig, findConfigs, looksLikeKeepalived, nodeFileSystem, readConfigFile, MAX_CONFIG_BYTES, type LoadOptions } from './fs-loader.js';
export type * from './model.js';
export type { Statement, BlockNode, ValueBlockNode, ValueItem } from './parser.js';
export type { Token, LogicalLine } from './source.js';
export { KEYWORDS, keywordShape, type BlockKind, type KeywordShape } from './schema.js';
export { readInt, readUnsigned, readDecimal, readBool, type NumberRead, type NumberProblem } from './numbers.js';
export { parseAddress, formatAddress, isMulticast, type Family } from './ip.js';
