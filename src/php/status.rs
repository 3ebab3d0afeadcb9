//! `aws_env_status()`: the module's facts as data, for health checks.
//! Names, sources, counts and lengths only; never a value.

use ext_php_rs::boxed::ZBox;
use ext_php_rs::exception::PhpResult;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendHashTable;

use super::env_lock::EnvLock;
use super::state::{self, ModuleState};
use crate::capture::SourceReport;
use crate::process_env::VarState;
use crate::runtime::Injection;

pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Returns what aws_env captured, from where, and where each variable
/// stands in this process's environment. See `aws_env.stub.php`.
#[php_function]
pub fn aws_env_status() -> PhpResult<ZBox<ZendHashTable>> {
    let guard = state::lock();
    let Some(state) = guard.as_ref() else {
        return Err("aws_env has not started".into());
    };
    Ok(status_array(state)?)
}

/// The builder of `aws_env_status()`. The macro's glue is private to this
/// module, so the module itself hands it over.
pub fn function() -> ext_php_rs::builders::FunctionBuilder<'static> {
    wrap_function!(aws_env_status)
}

fn status_array(state: &ModuleState) -> ext_php_rs::error::Result<ZBox<ZendHashTable>> {
    let runtime = &state.runtime;
    let mut status = ZendHashTable::new();
    status.insert("version", VERSION)?;
    status.insert("enabled", runtime.settings.enabled)?;
    status.insert("sapi", state.sapi.as_str())?;
    status.insert("injection", injection_key(runtime.injection))?;
    status.insert(
        "names",
        list(runtime.names.patterns.iter().map(ToString::to_string))?,
    )?;
    status.insert(
        "invalid_names",
        list(runtime.names.invalid.iter().cloned())?,
    )?;

    let mut sources = ZendHashTable::new();
    for source in &runtime.capture.sources {
        sources.push(source_array(source)?)?;
    }
    status.insert("sources", sources)?;

    let states = var_states(state);
    let mut captured = ZendHashTable::new();
    for (var, var_state) in runtime.capture.vars.iter().zip(states) {
        let mut entry = ZendHashTable::new();
        entry.insert("source", var.source.key())?;
        entry.insert("length", count(var.value.len()))?;
        entry.insert("state", var_state.key())?;
        captured.insert(var.name.as_str(), entry)?;
    }
    status.insert("captured", captured)?;
    Ok(status)
}

/// Where each captured variable stands now, in capture order. Read under
/// PHP's environment lock, as other threads' `putenv()` may run meanwhile.
pub fn var_states(state: &ModuleState) -> Vec<VarState> {
    let _env = EnvLock::acquire();
    state
        .runtime
        .capture
        .vars
        .iter()
        // SAFETY: PHP's environment lock is held, so no putenv() writes.
        .map(|var| unsafe { state.injector.state_of(&var.name) })
        .collect()
}

fn source_array(source: &SourceReport) -> ext_php_rs::error::Result<ZBox<ZendHashTable>> {
    let mut entry = ZendHashTable::new();
    entry.insert("name", source.kind.key())?;
    entry.insert(
        "path",
        source.path.as_ref().map(|path| path.display().to_string()),
    )?;
    entry.insert("status", source.status.key())?;
    entry.insert("entries", count(source.entries))?;
    entry.insert("skipped", count(source.skipped.total()))?;
    entry.insert("error", source.error.clone())?;
    Ok(entry)
}

pub fn injection_key(injection: Injection) -> &'static str {
    match injection {
        Injection::AtStartup => "at_startup",
        Injection::EveryRequest => "every_request",
    }
}

fn list(items: impl Iterator<Item = String>) -> ext_php_rs::error::Result<ZBox<ZendHashTable>> {
    let mut array = ZendHashTable::new();
    for item in items {
        array.push(item)?;
    }
    Ok(array)
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
