//! What the module decides once at start-up: the settings it read, what it
//! captured, and when it puts the captured variables into the environment.

use std::fmt;

use crate::capture::{self, Capture, CapturedVar, SourceKind, SourceReport, SourceStatus, Sources};
use crate::credentials::{self, FileCheck, Verdict};
use crate::names::NameList;
use crate::settings::Settings;

/// The SAPI whose workers clear their environment after the module started.
pub const FPM_SAPI: &str = "fpm-fcgi";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Injection {
    /// Once, at module start-up, while the process has a single thread: for
    /// every SAPI that keeps its environment (cli, cgi, embed, threaded ones).
    AtStartup,
    /// At the start of every request: php-fpm workers run `clearenv()` and
    /// the pool's `env[]` after fork, long after module start-up, and serve
    /// one request at a time.
    EveryRequest,
}

impl Injection {
    pub fn for_sapi(sapi: &str) -> Self {
        if sapi == FPM_SAPI {
            Injection::EveryRequest
        } else {
            Injection::AtStartup
        }
    }
}

/// Apache's mod_php (`libapache2-mod-php`, the official `php:*-apache`
/// images).
pub const APACHE_SAPI: &str = "apache2handler";

/// Whether the SAPI builds `$_SERVER` from a table of its own, never from
/// the environment, so that injecting the captured variables into the
/// environment does not put them in `$_SERVER`, and aws_env must add them
/// there itself. apache2handler registers Apache's per-request table
/// (`subprocess_env`: Apache's own variables, and what its configuration
/// sets with `SetEnv` and `PassEnv`), and nothing else; cli, cgi-fcgi,
/// fpm-fcgi and embed import the environment into `$_SERVER`.
pub fn server_array_lacks_environment(sapi: &str) -> bool {
    sapi == APACHE_SAPI
}

/// The captured variables to add to a `$_SERVER` array the SAPI built:
/// those whose name it does not hold (`holds`), by name. A name the
/// SAPI registered keeps its value, even an empty one: Apache's own
/// variables and its configuration's `SetEnv` and `PassEnv` win, as a
/// FastCGI param does in php-fpm.
pub fn missing_server_variables<'a>(
    vars: &'a [CapturedVar],
    mut holds: impl FnMut(&str) -> bool + 'a,
) -> impl Iterator<Item = &'a CapturedVar> + 'a {
    vars.iter().filter(move |var| !holds(&var.name))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Runtime {
    pub settings: Settings,
    pub names: NameList,
    pub capture: Capture,
    pub injection: Injection,
}

impl Runtime {
    /// Captures from `process_environ` (this process's own environment, in
    /// environ format) and the configured file, unless disabled.
    pub fn start(settings: Settings, sapi: &str, process_environ: &[u8]) -> Self {
        let names = NameList::parse(&settings.names);
        let capture = if settings.enabled {
            capture::capture(
                &names,
                &Sources {
                    process_environ,
                    environ_file: settings.environ_file_path(),
                },
            )
        } else {
            disabled_capture(&settings)
        };
        Runtime {
            injection: Injection::for_sapi(sapi),
            settings,
            names,
            capture,
        }
    }

    /// The one line php-fpm's master logs at start-up: what was captured from
    /// where, or why nothing was. Names and sources only, never a value.
    pub fn startup_line(&self) -> String {
        let mut line = String::new();
        // Writing to a String cannot fail.
        let _ = self.write_startup_line(&mut line);
        line
    }

    /// [`Self::startup_line`] into any writer: the FFI edge writes it to a
    /// buffer on the stack, which needs no drop if the engine bails out.
    pub fn write_startup_line(&self, out: &mut impl fmt::Write) -> fmt::Result {
        if !self.settings.enabled {
            return out.write_str("aws_env: disabled by aws_env.enabled, nothing captured");
        }
        if self.capture.vars.is_empty() {
            out.write_str("aws_env: captured nothing")?;
        } else {
            out.write_str("aws_env: captured ")?;
            let mut first_source = true;
            for source in &self.capture.sources {
                let mut names = self
                    .capture
                    .vars
                    .iter()
                    .filter(|var| var.source == source.kind)
                    .map(|var| var.name.as_str())
                    .peekable();
                if names.peek().is_none() {
                    continue;
                }
                if !first_source {
                    out.write_str("; ")?;
                }
                first_source = false;
                for (i, name) in names.enumerate() {
                    if i > 0 {
                        out.write_str(", ")?;
                    }
                    out.write_str(name)?;
                }
                write!(out, " from {}", source.label())?;
            }
        }
        for source in &self.capture.sources {
            self.write_source_problem(source, out)?;
        }
        out.write_str(" — ")?;
        self.verdict().write_summary(out)
    }

    /// What the AWS SDK would pick from the captured variables alone: the
    /// master cannot check token files as the workers' user, so they are
    /// not checked.
    pub fn verdict(&self) -> Verdict {
        credentials::verdict(
            |name| {
                self.capture
                    .vars
                    .iter()
                    .find(|var| var.name == name)
                    .map(|var| var.value.as_slice())
            },
            |_| FileCheck::NotChecked,
        )
    }

    /// Why a source contributed nothing, when that is worth saying, as
    /// "; <source>: <why>".
    fn write_source_problem(
        &self,
        source: &SourceReport,
        out: &mut impl fmt::Write,
    ) -> fmt::Result {
        match source.status {
            SourceStatus::Disabled => Ok(()),
            SourceStatus::Read if self.capture.vars.is_empty() => write!(
                out,
                "; {}: no allowlisted name among {} entries",
                source.label(),
                source.entries
            ),
            SourceStatus::Read => Ok(()),
            _ => write!(
                out,
                "; {}: {}",
                source.label(),
                source.error.as_deref().unwrap_or(source.status.key())
            ),
        }
    }
}

fn disabled_capture(settings: &Settings) -> Capture {
    let disabled = |kind, path: Option<&std::path::Path>| SourceReport {
        kind,
        path: path.map(ToOwned::to_owned),
        status: SourceStatus::Disabled,
        entries: 0,
        skipped: Default::default(),
        error: None,
    };
    Capture {
        sources: vec![
            disabled(SourceKind::Process, None),
            disabled(SourceKind::File, settings.environ_file_path()),
        ],
        vars: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings_with_file(path: &str) -> Settings {
        Settings {
            environ_file: path.as_bytes().to_vec(),
            ..Settings::default()
        }
    }

    #[test]
    fn only_fpm_injects_per_request() {
        assert_eq!(Injection::for_sapi("fpm-fcgi"), Injection::EveryRequest);
        for sapi in ["cli", "cgi-fcgi", "embed", "apache2handler", "frankenphp"] {
            assert_eq!(Injection::for_sapi(sapi), Injection::AtStartup, "{sapi}");
        }
    }

    #[test]
    fn only_apache_builds_server_array_without_the_environment() {
        assert!(server_array_lacks_environment("apache2handler"));
        for sapi in [
            "cli",
            "cgi-fcgi",
            "fpm-fcgi",
            "embed",
            "frankenphp",
            "",
            "apache2",
        ] {
            assert!(!server_array_lacks_environment(sapi), "{sapi}");
        }
    }

    #[test]
    fn server_array_keeps_what_the_sapi_registered_even_empty() {
        let var = |name: &str| CapturedVar {
            name: name.to_owned(),
            value: b"captured".to_vec(),
            source: SourceKind::File,
        };
        let vars = [
            var("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"),
            var("AWS_DEFAULT_REGION"),
            var("AWS_REGION"),
        ];
        // Apache's table: AWS_REGION from SetEnv, AWS_DEFAULT_REGION set
        // empty; both stay as Apache made them.
        let apache = ["AWS_REGION", "AWS_DEFAULT_REGION", "SERVER_NAME"];
        let added: Vec<&str> = missing_server_variables(&vars, |name| apache.contains(&name))
            .map(|var| var.name.as_str())
            .collect();
        assert_eq!(added, ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"]);

        let all: Vec<&str> = missing_server_variables(&vars, |_| false)
            .map(|var| var.name.as_str())
            .collect();
        assert_eq!(
            all,
            [
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                "AWS_DEFAULT_REGION",
                "AWS_REGION"
            ]
        );
        assert_eq!(missing_server_variables(&[], |_| false).count(), 0);
    }

    #[test]
    fn startup_line_names_sources_and_never_values() {
        let runtime = Runtime::start(
            settings_with_file(""),
            "fpm-fcgi",
            b"AWS_REGION=secret-region\0AWS_ROLE_ARN=secret-arn\0",
        );
        let line = runtime.startup_line();
        assert_eq!(
            line,
            format!(
                "aws_env: captured AWS_REGION, AWS_ROLE_ARN from the process environment{NO_CREDENTIALS}"
            )
        );
        assert!(!line.contains("secret"));
    }

    /// How the start-up line ends when nothing captured names credentials.
    const NO_CREDENTIALS: &str = " — the AWS SDK will use the EC2 instance metadata service \
        (not ok: no credentials variables in the environment: the SDK will ask the EC2 instance \
        metadata service, which in a container gives the host's role or nothing)";

    #[test]
    fn startup_line_ends_with_the_sdks_verdict_on_what_was_captured() {
        let runtime = Runtime::start(
            settings_with_file(""),
            "fpm-fcgi",
            b"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/v2/secret\0AWS_ACCESS_KEY_ID=secret-key\0",
        );
        let line = runtime.startup_line();
        assert!(
            line.ends_with(" — the AWS SDK will use the ECS container credentials endpoint"),
            "{line}"
        );
        assert!(!line.contains("secret"));
    }

    #[test]
    fn startup_line_explains_an_unreadable_file_when_nothing_was_captured() {
        let runtime = Runtime::start(
            settings_with_file("/nonexistent/aws_env/environ"),
            "fpm-fcgi",
            b"PATH=/bin\0",
        );
        assert_eq!(
            runtime.startup_line(),
            format!(
                "aws_env: captured nothing; the process environment: no allowlisted name among \
                 1 entries; /nonexistent/aws_env/environ: No such file or directory{NO_CREDENTIALS}"
            )
        );
    }

    #[test]
    fn startup_line_mentions_a_failed_file_even_when_something_was_captured() {
        let runtime = Runtime::start(
            settings_with_file("/nonexistent/aws_env/environ"),
            "fpm-fcgi",
            b"AWS_REGION=x\0",
        );
        assert_eq!(
            runtime.startup_line(),
            format!(
                "aws_env: captured AWS_REGION from the process environment; \
                 /nonexistent/aws_env/environ: No such file or directory{NO_CREDENTIALS}"
            )
        );
    }

    #[test]
    fn disabled_captures_nothing_and_reads_nothing() {
        let runtime = Runtime::start(
            Settings {
                enabled: false,
                ..settings_with_file("/nonexistent/aws_env/environ")
            },
            "cli",
            b"AWS_REGION=x\0",
        );
        assert!(runtime.capture.vars.is_empty());
        let sources: Vec<_> = runtime
            .capture
            .sources
            .iter()
            .map(|source| (source.kind, source.status, source.path.as_deref()))
            .collect();
        assert_eq!(
            sources,
            [
                (SourceKind::Process, SourceStatus::Disabled, None),
                (
                    SourceKind::File,
                    SourceStatus::Disabled,
                    Some(std::path::Path::new("/nonexistent/aws_env/environ"))
                ),
            ]
        );
        assert!(runtime.startup_line().contains("disabled"));
    }
}
