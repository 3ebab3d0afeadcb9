pub mod capture;
pub mod environ;
pub mod names;
pub mod process_env;
pub mod runtime;
pub mod settings;
