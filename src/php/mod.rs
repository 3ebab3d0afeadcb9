//! The FFI edge: everything that talks to PHP. The decisions live in the
//! pure modules; this only reads settings, calls them and reports.

mod env_lock;
pub mod hooks;
pub mod info;
pub mod ini;
mod log;
mod master_once;
pub mod module;
mod server_vars;
mod state;
pub mod status;
pub mod worker;
