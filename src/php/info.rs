//! The "aws_env" section of phpinfo() and `php --ri aws_env`.
//!
//! Printing runs the user's output handlers and fails on a closed pipe or an
//! aborted connection, and the engine then bails out (`longjmp`) from inside
//! a row. So each row is formatted on the stack from the published state,
//! which needs no lock: nothing is left to release or free if the engine
//! never comes back, and a handler that calls `aws_env_status()` finds
//! nothing held.

use std::ffi::{CStr, c_int};

use ext_php_rs::ffi::{
    php_info_print_table_end, php_info_print_table_row, php_info_print_table_start,
};
use ext_php_rs::zend::ModuleEntry;

use super::state::{self, ModuleState, guarded};
use super::status::{VERSION, injection_key, state_key};
use super::worker;
use crate::capture::SourceStatus;
use crate::stack_text::StackText;

// Declared by hand from ext/standard/info.h (PHP 8.2 to 8.4).
unsafe extern "C" {
    fn display_ini_entries(module: *mut ModuleEntry);
}

/// One cell; a longer one (a path, an ignored 64 KiB names entry) is cut.
type Cell = StackText<1024>;

pub extern "C" fn module_info(module: *mut ModuleEntry) {
    guarded("phpinfo", (), || {
        print_table();
        // SAFETY: the engine passes this module's own entry.
        unsafe { display_ini_entries(module) };
    });
}

fn print_table() {
    // SAFETY: a table is opened and closed around rows, as phpinfo expects.
    unsafe { php_info_print_table_start() };
    row(c"aws_env support", c"enabled");
    row(c"Version", cell(format_args!("{VERSION}")).as_c_str());
    if let Some(state) = state::current() {
        print_state(state);
    }
    // SAFETY: closes the table opened above.
    unsafe { php_info_print_table_end() };
}

fn print_state(state: &ModuleState) {
    let runtime = &state.runtime;
    let capture = if runtime.settings.enabled {
        c"enabled"
    } else {
        c"disabled"
    };
    row(c"Capture", capture);
    if let Some(policy) = state.pool() {
        let pool = match (policy.enabled, policy.narrowed) {
            (false, _) => cell(format_args!("disabled for this pool")),
            (true, false) => cell(format_args!("as php.ini")),
            (true, true) => cell(format_args!(
                "narrowed by the pool's aws_env.names: {} of {} captured",
                policy.granted_count(),
                policy.captured_count()
            )),
        };
        row(c"Pool", pool.as_c_str());
    }
    row(
        c"Injection",
        cell(format_args!("{}", injection_key(runtime.injection))).as_c_str(),
    );
    for source in &runtime.capture.sources {
        let label = cell(format_args!("Source: {}", source.label()));
        let outcome = match (source.status, &source.error) {
            (SourceStatus::Read, _) => cell(format_args!("read, {} entries", source.entries)),
            (status, Some(error)) => cell(format_args!("{} ({error})", status.key())),
            (status, None) => cell(format_args!("{}", status.key())),
        };
        row(label.as_c_str(), outcome.as_c_str());
    }
    for var in state.granted_vars() {
        let source = runtime
            .capture
            .sources
            .iter()
            .find(|source| source.kind == var.source);
        let label = cell(format_args!("Captured {}", var.name));
        let detail = match source {
            Some(source) => cell(format_args!(
                "from {}, {} bytes, {}",
                source.label(),
                var.value.len(),
                state_key(state, var)
            )),
            None => cell(format_args!(
                "{} bytes, {}",
                var.value.len(),
                state_key(state, var)
            )),
        };
        row(label.as_c_str(), detail.as_c_str());
    }
    let verdict = worker::verdict_report();
    row(c"AWS SDK credentials", verdict.summary.as_c_str());
    for report in worker::token_file_reports().iter().flatten() {
        let label = cell(format_args!("Token file {}", report.variable));
        let detail = match (&report.error, report.empty) {
            (Some(error), _) => cell(format_args!("not readable: {}", error.as_str())),
            (None, true) => cell(format_args!("readable, empty")),
            (None, false) => cell(format_args!("readable")),
        };
        row(label.as_c_str(), detail.as_c_str());
    }
    for entry in &runtime.names.invalid {
        row(
            c"Ignored names entry",
            cell(format_args!("{entry}")).as_c_str(),
        );
    }
}

fn cell(args: std::fmt::Arguments<'_>) -> Cell {
    Cell::format(args)
}

fn row(label: &CStr, value: &CStr) {
    // SAFETY: two columns, two NUL-terminated strings valid for the call.
    unsafe { php_info_print_table_row(2 as c_int, label.as_ptr(), value.as_ptr()) };
}
