<?php

/**
 * Stubs for the aws_env extension: for IDEs and static analysis. The module
 * itself is written in Rust; php-tests/024-stub-in-sync.phpt fails when this
 * file and the loaded module disagree.
 */

/**
 * What aws_env captured at start-up, from where, and where each captured
 * variable stands in this process's environment now. Never a value: only
 * names, sources, counts and lengths.
 *
 * - version: the module version.
 * - enabled: aws_env.enabled.
 * - sapi: the SAPI the module started in ("fpm-fcgi", "cli", "cgi-fcgi", ...).
 * - injection: "every_request" (php-fpm workers, whose environment is cleared
 *   after fork) or "at_startup" (every other SAPI).
 * - names: the aws_env.names entries in effect; invalid_names: those ignored.
 * - sources: in priority order, the process environment then the file, each
 *   with its status: "read", "disabled", "not_found", "permission_denied",
 *   "too_large", "not_regular_file", "overwritten" (nothing but NUL bytes:
 *   PID 1 is php-fpm, which reuses its environment for its process title) or
 *   "error"; entries: well-formed entries read; skipped: malformed entries
 *   passed over; error: the OS's words, or the reason.
 * - captured: by name, the source it came from, the value's length in bytes,
 *   and its state: "injected" (aws_env put it in the environment), "kept"
 *   (the environment already had a non-empty value), "absent" (not in the
 *   environment, e.g. in the php-fpm master) or "unknown" (aws_env's
 *   injector was busy: only a bug can make it so).
 *
 * @return array{
 *     version: string,
 *     enabled: bool,
 *     sapi: string,
 *     injection: 'every_request'|'at_startup',
 *     names: list<string>,
 *     invalid_names: list<string>,
 *     sources: list<array{
 *         name: 'process'|'file',
 *         path: ?string,
 *         status: 'read'|'disabled'|'not_found'|'permission_denied'|'too_large'|'not_regular_file'|'overwritten'|'error',
 *         entries: int,
 *         skipped: int,
 *         error: ?string
 *     }>,
 *     captured: array<string, array{
 *         source: 'process'|'file',
 *         length: int,
 *         state: 'injected'|'kept'|'absent'|'unknown'
 *     }>
 * }
 */
function aws_env_status(): array {}
