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
 * - enabled: whether this process gets aws_env's variables: aws_env.enabled
 *   in php.ini, and in a php-fpm worker its pool's too.
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
 *   injector was busy: only a bug can make it so). In a php-fpm worker,
 *   only what its pool gets.
 * - pool: null except in a php-fpm worker: its pool's settings, read at its
 *   first request (php_value[] and php_admin_value[] in the pool section).
 *   enabled; narrowed (the pool set other settings than php.ini's); names
 *   (the pool's aws_env.names); invalid_names; withheld (entries php.ini's
 *   list does not allow: a pool can only narrow); unavailable (entries no
 *   source had); environ_file_ignored (only the master reads the sources).
 * - credentials: the AWS SDK for PHP's verdict, from this process's
 *   environment as PHP's getenv() sees it (FastCGI params first): provider
 *   ("static_keys", "web_identity", "container", "instance_metadata");
 *   endpoint for the container provider ("ecs", "eks_pod_identity",
 *   "full_uri"); relies_on (variable names); ok (false when that provider
 *   cannot work from this process, e.g. its token file is unreadable); why;
 *   notes; summary (one sentence); scope (the verdict covers the environment
 *   only: shared config and credentials files come earlier in the SDK's
 *   chain).
 * - token_files: by variable (AWS_WEB_IDENTITY_TOKEN_FILE,
 *   AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE), when the environment names a
 *   file: whether this process's user can open it (readable), whether it is
 *   empty, and the OS's reason when not (never the path).
 *
 * @return array{
 *     version: string,
 *     enabled: bool,
 *     sapi: string,
 *     injection: 'every_request'|'at_startup',
 *     names: list<string>,
 *     invalid_names: list<string>,
 *     pool: ?array{
 *         enabled: bool,
 *         narrowed: bool,
 *         names: list<string>,
 *         invalid_names: list<string>,
 *         withheld: list<string>,
 *         unavailable: list<string>,
 *         environ_file_ignored: bool
 *     },
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
 *     }>,
 *     credentials: array{
 *         provider: 'static_keys'|'web_identity'|'container'|'instance_metadata',
 *         endpoint: 'ecs'|'eks_pod_identity'|'full_uri'|null,
 *         relies_on: list<string>,
 *         ok: bool,
 *         why: ?string,
 *         notes: list<string>,
 *         summary: string,
 *         scope: string
 *     },
 *     token_files: array<string, array{
 *         readable: bool,
 *         empty: bool,
 *         error: ?string
 *     }>
 * }
 */
function aws_env_status(): array {}
