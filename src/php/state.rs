//! The module's process-wide state: what MINIT decided, and which names this
//! process's environment received from aws_env.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::process_env::Injector;
use crate::runtime::Runtime;

pub struct ModuleState {
    pub sapi: String,
    pub runtime: Runtime,
    pub injector: Injector,
}

static STATE: Mutex<Option<ModuleState>> = Mutex::new(None);

/// Read on every request, so that SAPIs which inject at start-up pay one
/// atomic load and never take the lock.
static INJECT_EVERY_REQUEST: AtomicBool = AtomicBool::new(false);

/// The state, even after a panic elsewhere poisoned the lock: the data is
/// plain values that a panic cannot leave half-written in a harmful way.
pub fn lock() -> MutexGuard<'static, Option<ModuleState>> {
    STATE.lock().unwrap_or_else(PoisonError::into_inner)
}

pub fn set_inject_every_request(on: bool) {
    INJECT_EVERY_REQUEST.store(on, Ordering::Release);
}

pub fn inject_every_request() -> bool {
    INJECT_EVERY_REQUEST.load(Ordering::Acquire)
}

/// Runs a hook body so that a panic never unwinds into PHP's C frames,
/// which would abort the process: a worker must not die because of aws_env.
pub fn guarded<T>(hook: &str, fallback: T, body: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(value) => value,
        Err(payload) => {
            let reason = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_owned());
            super::log::warning(&format!("aws_env: internal error in {hook}: {reason}"));
            fallback
        }
    }
}
