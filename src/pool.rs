//! What one php-fpm pool's workers get of what the master captured.
//!
//! php-fpm applies a pool's `php_value[]` and `php_admin_value[]` in each
//! worker after fork, before its first request (`fpm_php_init_child`), so a
//! worker that reads `aws_env.enabled` and `aws_env.names` at that moment sees
//! its pool's settings. Only the master could read the sources, though: a
//! pool can narrow what its workers get, never widen it. The master's list
//! (php.ini) is the ceiling.

use crate::names::{NameList, Pattern};
use crate::runtime::Runtime;
use crate::settings::Settings;

/// A pool's effective settings and what they grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolPolicy {
    /// Off when the pool or the master turned aws_env off.
    pub enabled: bool,
    /// The pool's own `aws_env.names`, parsed; the master's when the pool
    /// does not set its own.
    pub names: NameList,
    /// The pool set `aws_env.enabled` or `aws_env.names` to something other
    /// than the master's.
    pub narrowed: bool,
    /// When narrowed: for each of the master's captured variables, in their
    /// order, whether this pool's workers get it. Empty otherwise, so that
    /// the usual worker's first request allocates nothing for it.
    granted: Vec<bool>,
    /// How many variables the master captured.
    captured: usize,
    /// Entries of the pool's list that the master's list does not allow:
    /// nothing they name was captured, and nothing can be.
    pub withheld: Vec<String>,
    /// Entries of the pool's list that the master allows but no source had.
    pub unavailable: Vec<String>,
    /// The pool set `aws_env.environ_file`, which only the master reads.
    pub ignored_environ_file: bool,
}

impl PoolPolicy {
    /// The policy when the pool changes nothing: everything the master
    /// captured, if it is enabled.
    pub fn whole(master: &Runtime) -> Self {
        PoolPolicy {
            enabled: master.settings.enabled,
            names: master.names.clone(),
            narrowed: false,
            granted: Vec::new(),
            captured: master.capture.vars.len(),
            withheld: Vec::new(),
            unavailable: Vec::new(),
            ignored_environ_file: false,
        }
    }

    /// The policy for a worker whose settings, read at its first request,
    /// are `pool`.
    pub fn resolve(master: &Runtime, pool: &Settings) -> Self {
        let ignored_environ_file = pool.environ_file != master.settings.environ_file;
        if pool.enabled == master.settings.enabled && pool.names == master.settings.names {
            return PoolPolicy {
                ignored_environ_file,
                ..Self::whole(master)
            };
        }
        let enabled = master.settings.enabled && pool.enabled;
        let names = NameList::parse(&pool.names);
        let granted = master
            .capture
            .vars
            .iter()
            .map(|var| enabled && names.matches(&var.name))
            .collect();
        let mut withheld = Vec::new();
        let mut unavailable = Vec::new();
        if enabled {
            for pattern in names.patterns.iter() {
                if !master_allows_some_of(&master.names, pattern) {
                    withheld.push(pattern.to_string());
                } else if !master
                    .capture
                    .vars
                    .iter()
                    .any(|var| pattern.matches(&var.name))
                {
                    unavailable.push(pattern.to_string());
                }
            }
        }
        PoolPolicy {
            enabled,
            names,
            narrowed: true,
            granted,
            captured: master.capture.vars.len(),
            withheld,
            unavailable,
            ignored_environ_file,
        }
    }

    /// Whether the workers get the master's `index`th captured variable.
    pub fn grants(&self, index: usize) -> bool {
        if self.narrowed {
            self.granted.get(index).copied().unwrap_or(false)
        } else {
            self.enabled && index < self.captured
        }
    }

    /// How many of the master's captured variables the workers get.
    pub fn granted_count(&self) -> usize {
        (0..self.captured)
            .filter(|index| self.grants(*index))
            .count()
    }

    /// How many variables the master captured.
    pub fn captured_count(&self) -> usize {
        self.captured
    }

    /// Whether the workers get anything at all.
    pub fn grants_any(&self) -> bool {
        self.granted_count() > 0
    }
}

/// Whether the master's list allows at least one name `pattern` matches: an
/// exact name it allows, or a prefix that overlaps one of its patterns.
fn master_allows_some_of(master: &NameList, pattern: &Pattern) -> bool {
    match pattern {
        Pattern::Exact(name) => master.matches(name),
        Pattern::Prefix(stem) => master.patterns.iter().any(|allowed| match allowed {
            Pattern::Exact(name) => name.starts_with(&**stem),
            Pattern::Prefix(allowed) => {
                allowed.starts_with(&**stem) || stem.starts_with(&**allowed)
            }
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::DEFAULT_NAMES;

    /// A master that captured these names from its environment, with the
    /// default list unless `names` is given.
    fn master(captured: &[&str], names: Option<&str>) -> Runtime {
        let environ: Vec<u8> = captured
            .iter()
            .flat_map(|name| format!("{name}=value-of-{name}\0").into_bytes())
            .collect();
        let settings = Settings {
            enabled: true,
            names: names.unwrap_or(DEFAULT_NAMES).as_bytes().to_vec(),
            environ_file: Vec::new(),
        };
        Runtime::start(settings, "fpm-fcgi", &environ)
    }

    fn pool(master: &Runtime, enabled: bool, names: &str) -> Settings {
        Settings {
            enabled,
            names: names.as_bytes().to_vec(),
            ..master.settings.clone()
        }
    }

    fn granted_names(master: &Runtime, policy: &PoolPolicy) -> Vec<String> {
        master
            .capture
            .vars
            .iter()
            .enumerate()
            .filter(|(index, _)| policy.grants(*index))
            .map(|(_, var)| var.name.clone())
            .collect()
    }

    const ECS: [&str; 3] = [
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_REGION",
        "ECS_CONTAINER_METADATA_URI_V4",
    ];

    #[test]
    fn a_pool_with_the_masters_settings_gets_everything() {
        let master = master(&ECS, None);
        let policy = PoolPolicy::resolve(&master, &master.settings);
        assert_eq!(policy, PoolPolicy::whole(&master));
        assert!(!policy.narrowed);
        assert_eq!(granted_names(&master, &policy).len(), ECS.len());
    }

    #[test]
    fn a_disabled_pool_gets_nothing() {
        let master = master(&ECS, None);
        let policy = PoolPolicy::resolve(&master, &pool(&master, false, DEFAULT_NAMES));
        assert!(!policy.enabled && policy.narrowed);
        assert!(!policy.grants_any());
        assert!(policy.withheld.is_empty() && policy.unavailable.is_empty());
    }

    #[test]
    fn a_disabled_master_grants_nothing_whatever_the_pool_says() {
        let mut master = master(&ECS, None);
        master.settings.enabled = false;
        let policy = PoolPolicy::resolve(&master, &pool(&master, true, "AWS_REGION"));
        assert!(!policy.enabled);
        assert!(!policy.grants_any());
        assert!(!PoolPolicy::whole(&master).grants_any());
    }

    #[test]
    fn a_narrowed_pool_gets_only_the_names_it_lists() {
        let master = master(&ECS, None);
        let policy = PoolPolicy::resolve(&master, &pool(&master, true, "AWS_REGION"));
        assert!(policy.enabled && policy.narrowed);
        assert_eq!(granted_names(&master, &policy), ["AWS_REGION"]);
        let policy = PoolPolicy::resolve(&master, &pool(&master, true, "AWS_CONTAINER_*"));
        assert_eq!(
            granted_names(&master, &policy),
            ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"]
        );
    }

    #[test]
    fn a_pool_cannot_widen_the_masters_list() {
        let master = master(&ECS, Some("AWS_REGION"));
        // The master captured only AWS_REGION; the pool asks for more.
        let policy = PoolPolicy::resolve(
            &master,
            &pool(&master, true, "AWS_REGION,AWS_CONTAINER_*,DB_PASSWORD"),
        );
        assert_eq!(granted_names(&master, &policy), ["AWS_REGION"]);
        assert_eq!(policy.withheld, ["AWS_CONTAINER_*", "DB_PASSWORD"]);
        assert!(policy.unavailable.is_empty());
    }

    #[test]
    fn allowed_names_no_source_had_are_unavailable() {
        let master = master(&["AWS_REGION"], None);
        let policy = PoolPolicy::resolve(
            &master,
            &pool(&master, true, "AWS_REGION AWS_ROLE_ARN AWS_EC2_METADATA_*"),
        );
        assert_eq!(granted_names(&master, &policy), ["AWS_REGION"]);
        assert_eq!(policy.unavailable, ["AWS_ROLE_ARN", "AWS_EC2_METADATA_*"]);
        assert!(policy.withheld.is_empty());
    }

    #[test]
    fn prefixes_are_allowed_when_they_overlap_the_masters_list() {
        let master = master(&ECS, None);
        // Wider than the master's AWS_CONTAINER_*, narrower than nothing:
        // both overlap it and so are not withheld.
        for (entry, withheld) in [
            ("AWS_*", false),
            ("AWS_CONTAINER_CREDENTIALS_*", false),
            ("ECS_CONTAINER_METADATA_URI_V4*", false),
            ("ECS_*", false),
            ("DB_*", true),
            ("AWS_SECRET_*", true),
        ] {
            let policy = PoolPolicy::resolve(&master, &pool(&master, true, entry));
            assert_eq!(policy.withheld == [entry], withheld, "{entry}");
        }
    }

    #[test]
    fn a_pool_environ_file_is_noted_as_ignored() {
        let master = master(&ECS, None);
        let mut settings = master.settings.clone();
        settings.environ_file = b"/elsewhere".to_vec();
        let policy = PoolPolicy::resolve(&master, &settings);
        assert!(policy.ignored_environ_file);
        assert!(!policy.narrowed);
        assert_eq!(granted_names(&master, &policy).len(), ECS.len());
    }

    #[test]
    fn invalid_pool_entries_are_kept_for_a_warning() {
        let master = master(&ECS, None);
        let policy = PoolPolicy::resolve(&master, &pool(&master, true, "AWS_REGION,*,1BAD"));
        assert_eq!(granted_names(&master, &policy), ["AWS_REGION"]);
        assert_eq!(policy.names.invalid, ["*", "1BAD"]);
    }
}
