//! The "aws_env" section of phpinfo() and `php --ri aws_env`.

use std::ffi::{CString, c_int};

use ext_php_rs::ffi::{
    php_info_print_table_end, php_info_print_table_row, php_info_print_table_start,
};
use ext_php_rs::zend::ModuleEntry;

use super::state::{self, guarded};
use super::status::{VERSION, injection_key, var_states};
use crate::capture::SourceStatus;

// Declared by hand from ext/standard/info.h (PHP 8.2 to 8.4).
unsafe extern "C" {
    fn display_ini_entries(module: *mut ModuleEntry);
}

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
    row("aws_env support", "enabled");
    row("Version", VERSION);
    if let Some(state) = state::lock().as_ref() {
        let runtime = &state.runtime;
        row(
            "Capture",
            if runtime.settings.enabled {
                "enabled"
            } else {
                "disabled"
            },
        );
        row("Injection", injection_key(runtime.injection));
        for source in &runtime.capture.sources {
            let outcome = match (source.status, &source.error) {
                (SourceStatus::Read, _) => format!("read, {} entries", source.entries),
                (status, Some(error)) => format!("{} ({error})", status.key()),
                (status, None) => status.key().to_owned(),
            };
            row(&format!("Source: {}", source.label()), &outcome);
        }
        let states = var_states(state);
        for (var, var_state) in runtime.capture.vars.iter().zip(states) {
            let source = runtime
                .capture
                .sources
                .iter()
                .find(|source| source.kind == var.source)
                .map_or_else(String::new, |source| source.label());
            row(
                &format!("Captured {}", var.name),
                &format!(
                    "from {source}, {} bytes, {}",
                    var.value.len(),
                    var_state.key()
                ),
            );
        }
        for entry in &runtime.names.invalid {
            row("Ignored names entry", entry);
        }
    }
    // SAFETY: closes the table opened above.
    unsafe { php_info_print_table_end() };
}

fn row(label: &str, value: &str) {
    let (Ok(label), Ok(value)) = (CString::new(label), CString::new(value)) else {
        return;
    };
    // SAFETY: two columns, two NUL-terminated strings valid for the call.
    unsafe { php_info_print_table_row(2 as c_int, label.as_ptr(), value.as_ptr()) };
}
