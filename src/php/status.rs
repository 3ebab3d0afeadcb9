//! `aws_env_status()`: the module's facts as data, for health checks.
//! Names, sources, counts and lengths only; never a value.
//!
//! The arrays are built from the published state by borrowing: no Rust
//! value that needs dropping is alive while the engine allocates, so a
//! bailout (`memory_limit` reached in the middle) leaves nothing behind but
//! PHP values in the request's heap, which the engine frees with the
//! request.

use std::os::unix::ffi::OsStrExt;

use ext_php_rs::boxed::ZBox;
use ext_php_rs::exception::PhpResult;
use ext_php_rs::prelude::*;
use ext_php_rs::types::{ZendHashTable, ZendStr, Zval};

use super::env_lock::EnvLock;
use super::state::{self, ModuleState};
use super::worker::{self, VerdictReport};
use crate::capture::{CapturedVar, SourceReport};
use crate::credentials::SCOPE_NOTE;
use crate::pool::PoolPolicy;
use crate::process_env::VarState;
use crate::runtime::Injection;
use crate::stack_text::StackText;

pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Returns what aws_env captured, from where, and where each variable
/// stands in this process's environment. See `aws_env.stub.php`.
#[php_function]
pub fn aws_env_status() -> PhpResult<ZBox<ZendHashTable>> {
    let Some(state) = state::current() else {
        return Err("aws_env has not started".into());
    };
    Ok(status_array(state)?)
}

/// The builder of `aws_env_status()`. The macro's glue is private to this
/// module, so the module itself hands it over.
pub fn function() -> ext_php_rs::builders::FunctionBuilder<'static> {
    wrap_function!(aws_env_status)
}

fn status_array(state: &'static ModuleState) -> ext_php_rs::error::Result<ZBox<ZendHashTable>> {
    let runtime = &state.runtime;
    let mut status = ZendHashTable::new();
    status.insert("version", VERSION)?;
    status.insert("enabled", state.enabled())?;
    status.insert("sapi", state.sapi.as_str())?;
    status.insert("injection", injection_key(runtime.injection))?;
    status.insert(
        "names",
        list(state.pattern_texts.iter().map(String::as_str))?,
    )?;
    status.insert(
        "invalid_names",
        list(runtime.names.invalid.iter().map(String::as_str))?,
    )?;
    match state.pool() {
        Some(policy) => status.insert("pool", pool_array(policy)?)?,
        None => status.insert("pool", ())?,
    }

    let mut sources = ZendHashTable::new();
    for source in &runtime.capture.sources {
        sources.push(source_array(source)?)?;
    }
    status.insert("sources", sources)?;

    let mut captured = ZendHashTable::new();
    for var in state.granted_vars() {
        let mut entry = ZendHashTable::new();
        entry.insert("source", var.source.key())?;
        entry.insert("length", count(var.value.len()))?;
        entry.insert("state", state_key(state, var))?;
        captured.insert(var.name.as_str(), entry)?;
    }
    status.insert("captured", captured)?;
    status.insert("credentials", credentials_array(&worker::verdict_report())?)?;

    let mut token_files = ZendHashTable::new();
    for report in worker::token_file_reports().iter().flatten() {
        let mut entry = ZendHashTable::new();
        entry.insert("readable", report.readable)?;
        entry.insert("empty", report.empty)?;
        entry.insert("error", report.error.as_ref().map(StackText::as_str))?;
        token_files.insert(report.variable, entry)?;
    }
    status.insert("token_files", token_files)?;
    Ok(status)
}

/// A php-fpm worker's pool settings: what it asked for, and what of that it
/// could not have.
fn pool_array(policy: &PoolPolicy) -> ext_php_rs::error::Result<ZBox<ZendHashTable>> {
    let mut pool = ZendHashTable::new();
    pool.insert("enabled", policy.enabled)?;
    pool.insert("narrowed", policy.narrowed)?;
    let mut names = ZendHashTable::new();
    for pattern in policy.names.patterns.iter() {
        names.push(StackText::<256>::format(format_args!("{pattern}")).as_str())?;
    }
    pool.insert("names", names)?;
    pool.insert(
        "invalid_names",
        list(policy.names.invalid.iter().map(String::as_str))?,
    )?;
    pool.insert(
        "withheld",
        list(policy.withheld.iter().map(String::as_str))?,
    )?;
    pool.insert(
        "unavailable",
        list(policy.unavailable.iter().map(String::as_str))?,
    )?;
    pool.insert("environ_file_ignored", policy.ignored_environ_file)?;
    Ok(pool)
}

fn credentials_array(report: &VerdictReport) -> ext_php_rs::error::Result<ZBox<ZendHashTable>> {
    let mut credentials = ZendHashTable::new();
    credentials.insert("provider", report.provider)?;
    credentials.insert("endpoint", report.endpoint)?;
    credentials.insert(
        "relies_on",
        list(report.relies_on.as_slice().iter().copied())?,
    )?;
    credentials.insert("ok", report.ok)?;
    credentials.insert("why", report.why.as_ref().map(StackText::as_str))?;
    credentials.insert("notes", list(report.notes.as_slice().iter().copied())?)?;
    credentials.insert("summary", report.summary.as_str())?;
    credentials.insert("scope", SCOPE_NOTE)?;
    Ok(credentials)
}

/// Where a captured variable stands now. PHP's environment lock (ZTS) and
/// the injector's are held for the lookup alone, which calls only libc: the
/// locks are released before the caller builds anything.
pub fn var_state(state: &ModuleState, var: &CapturedVar) -> Option<VarState> {
    let _env = EnvLock::acquire();
    // SAFETY: PHP's environment lock is held, so no putenv() writes.
    state.try_with_injector(|injector| unsafe { injector.state_of(&var.name) })
}

/// [`var_state`]'s key; "unknown" in the one case it cannot tell: the
/// injector busy, which only a bug could make it.
pub fn state_key(state: &ModuleState, var: &CapturedVar) -> &'static str {
    var_state(state, var).map_or("unknown", VarState::key)
}

fn source_array(source: &SourceReport) -> ext_php_rs::error::Result<ZBox<ZendHashTable>> {
    let mut entry = ZendHashTable::new();
    entry.insert("name", source.kind.key())?;
    entry.insert(
        "path",
        source
            .path
            .as_deref()
            .map(|path| bytes(path.as_os_str().as_bytes())),
    )?;
    entry.insert("status", source.status.key())?;
    entry.insert("entries", count(source.entries))?;
    entry.insert("skipped", count(source.skipped.total()))?;
    entry.insert("error", source.error.as_deref())?;
    Ok(entry)
}

/// A PHP string of exactly these bytes (a path need not be UTF-8).
fn bytes(bytes: &[u8]) -> Zval {
    let mut zval = Zval::new();
    zval.set_zend_string(ZendStr::new(bytes, false));
    zval
}

pub fn injection_key(injection: Injection) -> &'static str {
    match injection {
        Injection::AtStartup => "at_startup",
        Injection::EveryRequest => "every_request",
    }
}

fn list<'a>(
    items: impl Iterator<Item = &'a str>,
) -> ext_php_rs::error::Result<ZBox<ZendHashTable>> {
    let mut array = ZendHashTable::new();
    for item in items {
        array.push(item)?;
    }
    Ok(array)
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
