//! Which credential provider the AWS SDK for PHP's default chain will pick,
//! as far as the environment decides it, and whether that provider can work.
//!
//! Pure: the caller says how to read a variable and what a check of a token
//! file found. No value ever leaves this module: verdicts hold variable
//! names and fixed text, plus an OS error text the caller passes in.
//!
//! # What the SDK does
//!
//! Read in aws/aws-sdk-php, `src/Credentials/` (AWS SDK for PHP 3.x). The
//! index this was read from holds several versions of each file; the one
//! read is named for each, and newer copies were compared where older ones
//! lacked a feature:
//!
//! - `CredentialProvider.php` at commit
//!   00b17f99018dc50129c614bcbfcf575ea0255acb, `defaultProvider()`: the
//!   chain is `env`, `web_identity`, then (unless the client config sets
//!   `use_aws_shared_config_files` to false) `sso`, `process_credentials`,
//!   `ini`, `process_config`, `ini_config` from the shared files, then
//!   `ecs` if `shouldUseEcs()`, *else* `instance`: never both. A newer
//!   release's copy, vendored in another project (the one with
//!   `AWS_ACCOUNT_ID` and a `login` link after `sso`), keeps this order. Each link runs only when the one before it failed
//!   (`chain()`: `$promise->otherwise($next)`).
//!   - `env()`: `getenv('AWS_ACCESS_KEY_ID') && getenv('AWS_SECRET_ACCESS_KEY')`,
//!     `AWS_SESSION_TOKEN` optional. Never fails once chosen.
//!   - `assumeRoleWithWebIdentityCredentialProvider()`:
//!     `getenv('AWS_WEB_IDENTITY_TOKEN_FILE') && getenv('AWS_ROLE_ARN')`,
//!     `AWS_ROLE_SESSION_NAME` optional; without both it looks for
//!     `web_identity_token_file` and `role_arn` in the profile (files: out
//!     of scope here).
//!   - `shouldUseEcs()`: `!empty()` of `getenv()` or `$_SERVER[]` of
//!     `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`, then of
//!     `AWS_CONTAINER_CREDENTIALS_FULL_URI`.
//! - `AssumeRoleWithWebIdentityCredentialProvider.php` (the version with
//!   `tokenFileReadAttempts`): the constructor refuses a token file that is
//!   not an absolute path (`/^\w\:|^\/|^\\/`); `__invoke()` fails when the
//!   file is not readable, and, after its retries, when it is empty.
//! - `EcsCredentialProvider.php` (the version with `EKS_SERVER_HOST_IPV4`,
//!   `AWS_METADATA_SERVICE_NUM_ATTEMPTS` and `CredentialSources::ECS`; the
//!   copy at aws/aws-sdk-php 3898e17733dfe62a5502a8981d0ae58b752d4d13 is
//!   older and knows only the relative URI):
//!   - `getEcsUri()`: the relative URI (getenv, `$_SERVER` when unset) if
//!     non-empty, appended to `http://169.254.170.2`; else the full URI.
//!   - `isCompatibleUri()`: any host over `https`; otherwise the host
//!     (`parse_url`, brackets trimmed) must be `169.254.170.2`,
//!     `169.254.170.23` or `fd00:ec2::23`, or `gethostbyname()` of it a
//!     loopback address (`CredentialsUtils::isLoopBackAddress`: 127.0.0.0/8
//!     or exactly `::1`). Else: "contains an unsupported host".
//!   - `getEcsAuthToken()`, for every request, relative URI too: when
//!     `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` is non-empty, the file must
//!     be readable and non-empty, else the request fails; otherwise
//!     `AWS_CONTAINER_AUTHORIZATION_TOKEN`, if any, is sent as is.
//! - `InstanceProfileProvider.php` (the version with
//!   `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE`): every request fails when
//!   `AWS_EC2_METADATA_DISABLED` is `true`, in any case
//!   (`strcasecmp`); `AWS_EC2_METADATA_SERVICE_ENDPOINT` replaces the
//!   endpoint.
//!
//! "Set", for the SDK, is PHP's truthiness: unset, `""` and `"0"` all count
//! as absent (`$a && $b`, `!empty()`, `?:`). [`verdict`] follows that.
//!
//! # Master and worker
//!
//! In php-fpm the master captured the variables, but the workers run as the
//! pool's user: only a worker can say whether it can read a token file. The
//! master passes [`FileCheck::NotChecked`], and the verdict then stays `ok`
//! on that point and says, in a note, that it was not checked.

use std::fmt;

pub const ACCESS_KEY_ID: &str = "AWS_ACCESS_KEY_ID";
pub const SECRET_ACCESS_KEY: &str = "AWS_SECRET_ACCESS_KEY";
pub const SESSION_TOKEN: &str = "AWS_SESSION_TOKEN";
pub const ROLE_ARN: &str = "AWS_ROLE_ARN";
pub const WEB_IDENTITY_TOKEN_FILE: &str = "AWS_WEB_IDENTITY_TOKEN_FILE";
pub const ROLE_SESSION_NAME: &str = "AWS_ROLE_SESSION_NAME";
pub const RELATIVE_URI: &str = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI";
pub const FULL_URI: &str = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
pub const AUTHORIZATION_TOKEN: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN";
pub const AUTHORIZATION_TOKEN_FILE: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE";
pub const EC2_METADATA_DISABLED: &str = "AWS_EC2_METADATA_DISABLED";
pub const EC2_METADATA_SERVICE_ENDPOINT: &str = "AWS_EC2_METADATA_SERVICE_ENDPOINT";

/// `EcsCredentialProvider::SERVER_URI`: where a relative URI goes.
const ECS_HOST: &[u8] = b"169.254.170.2";
/// `EcsCredentialProvider::EKS_SERVER_HOST_IPV4` and `_IPV6`.
const EKS_HOST_V4: &[u8] = b"169.254.170.23";
const EKS_HOST_V6: &[u8] = b"fd00:ec2::23";

/// What every report adds to a verdict: it covers the environment only.
pub const SCOPE_NOTE: &str = "the verdict covers the environment only: the SDK reads the shared \
     config and credentials files (~/.aws/config, ~/.aws/credentials, AWS_PROFILE) after static \
     keys and web identity, and a profile there wins over the container and instance metadata \
     providers";

/// The provider the default chain will use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    /// `CredentialProvider::env()`.
    StaticKeys,
    /// `AssumeRoleWithWebIdentityCredentialProvider` from the environment
    /// (IRSA on EKS).
    WebIdentity,
    /// `EcsCredentialProvider`, at the endpoint the URI names.
    Container(Endpoint),
    /// `InstanceProfileProvider`.
    InstanceMetadata,
}

/// Whom the container provider asks, by the host of its URI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// 169.254.170.2: the ECS agent (every relative URI goes there).
    Ecs,
    /// 169.254.170.23 or fd00:ec2::23: the EKS Pod Identity agent.
    EksPodIdentity,
    /// Any other host of `AWS_CONTAINER_CREDENTIALS_FULL_URI`.
    FullUri,
}

impl Endpoint {
    pub fn key(self) -> &'static str {
        match self {
            Endpoint::Ecs => "ecs",
            Endpoint::EksPodIdentity => "eks_pod_identity",
            Endpoint::FullUri => "full_uri",
        }
    }
}

impl Provider {
    /// The stable identifier for `aws_env_status()['credentials']['provider']`.
    pub fn key(self) -> &'static str {
        match self {
            Provider::StaticKeys => "static_keys",
            Provider::WebIdentity => "web_identity",
            Provider::Container(_) => "container",
            Provider::InstanceMetadata => "instance_metadata",
        }
    }

    /// What the start-up line and phpinfo call it.
    pub fn description(self) -> &'static str {
        match self {
            Provider::StaticKeys => "static keys from the environment",
            Provider::WebIdentity => "web identity (IRSA)",
            Provider::Container(Endpoint::Ecs) => "the ECS container credentials endpoint",
            Provider::Container(Endpoint::EksPodIdentity) => "the EKS Pod Identity agent",
            Provider::Container(Endpoint::FullUri) => {
                "the container credentials endpoint in AWS_CONTAINER_CREDENTIALS_FULL_URI"
            }
            Provider::InstanceMetadata => "the EC2 instance metadata service",
        }
    }
}

/// What the caller found when it checked a token file named by a variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileCheck {
    /// Not checked here: the php-fpm master, which cannot speak for the
    /// workers' user.
    NotChecked,
    /// Readable, and holds at least one byte.
    Readable,
    /// Readable, and empty: the SDK refuses an empty token.
    Empty,
    /// Not readable, with the OS's words ("Permission denied"). Never the
    /// path: that is the variable's value.
    Unreadable(String),
}

/// The provider, the variables it relies on, and whether it can work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub provider: Provider,
    /// Names of the variables the provider reads, in the SDK's order.
    pub relies_on: Vec<&'static str>,
    /// False when the provider cannot work from this process.
    pub ok: bool,
    /// Why not, when not `ok`: names and fixed text, and an OS error text.
    pub why: Option<String>,
    /// Facts that do not change `ok`: variables the SDK ignores here, and
    /// checks that were not made.
    pub notes: Vec<&'static str>,
}

impl Verdict {
    /// The end of the php-fpm start-up line: "the AWS SDK will use ...".
    pub fn write_summary(&self, out: &mut impl fmt::Write) -> fmt::Result {
        write!(out, "the AWS SDK will use {}", self.provider.description())?;
        if let Some(why) = &self.why {
            write!(out, " (not ok: {why})")?;
        }
        Ok(())
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_summary(f)
    }
}

/// The provider the SDK's default chain picks in an environment, and
/// whether it can work.
///
/// `lookup` reads a variable as the SDK's `getenv()` would see it. For
/// the container URIs the SDK also falls back to `$_SERVER`, which holds
/// the same environment (and, in php-fpm, the same FastCGI params that
/// `getenv()` sees), so one look-up answers for both. `check_file` is asked, by variable name,
/// about the token file that variable names; it is only asked about
/// variables the chosen provider reads.
pub fn verdict<'v>(
    lookup: impl Fn(&str) -> Option<&'v [u8]>,
    check_file: impl Fn(&'static str) -> FileCheck,
) -> Verdict {
    let get = |name: &str| lookup(name).filter(|value| php_truthy(value));
    let mut notes = Vec::new();

    // CredentialProvider::env()
    match (get(ACCESS_KEY_ID), get(SECRET_ACCESS_KEY)) {
        (Some(_), Some(_)) => {
            let mut relies_on = vec![ACCESS_KEY_ID, SECRET_ACCESS_KEY];
            if get(SESSION_TOKEN).is_some() {
                relies_on.push(SESSION_TOKEN);
            }
            return Verdict {
                provider: Provider::StaticKeys,
                relies_on,
                ok: true,
                why: None,
                notes,
            };
        }
        (Some(_), None) => notes.push(
            "AWS_ACCESS_KEY_ID is set without AWS_SECRET_ACCESS_KEY: the SDK skips static keys",
        ),
        (None, Some(_)) => notes.push(
            "AWS_SECRET_ACCESS_KEY is set without AWS_ACCESS_KEY_ID: the SDK skips static keys",
        ),
        (None, None) => {}
    }

    // CredentialProvider::assumeRoleWithWebIdentityCredentialProvider()
    match (get(ROLE_ARN), get(WEB_IDENTITY_TOKEN_FILE)) {
        (Some(_), Some(token_file)) => {
            // Only its name is wanted: no file is checked for it.
            let next = container_or_instance(&get, &|_| FileCheck::NotChecked, Vec::new());
            return web_identity(
                token_file,
                get(ROLE_SESSION_NAME).is_some(),
                &check_file,
                next.provider,
                notes,
            );
        }
        (Some(_), None) => notes.push(
            "AWS_ROLE_ARN is set without AWS_WEB_IDENTITY_TOKEN_FILE: the SDK skips web identity",
        ),
        (None, Some(_)) => notes.push(
            "AWS_WEB_IDENTITY_TOKEN_FILE is set without AWS_ROLE_ARN: the SDK skips web identity",
        ),
        (None, None) => {}
    }

    container_or_instance(&get, &check_file, notes)
}

/// PHP's truthiness of a string: what `$a && $b`, `!empty()` and `?:` test.
fn php_truthy(value: &[u8]) -> bool {
    !value.is_empty() && value != b"0"
}

fn web_identity(
    token_file: &[u8],
    session_name: bool,
    check_file: &impl Fn(&'static str) -> FileCheck,
    next: Provider,
    mut notes: Vec<&'static str>,
) -> Verdict {
    let mut relies_on = vec![ROLE_ARN, WEB_IDENTITY_TOKEN_FILE];
    if session_name {
        relies_on.push(ROLE_SESSION_NAME);
    }
    let problem = if !is_absolute_path(token_file) {
        Some(
            "AWS_WEB_IDENTITY_TOKEN_FILE is not an absolute path, which the SDK refuses".to_owned(),
        )
    } else {
        token_file_problem(WEB_IDENTITY_TOKEN_FILE, check_file, &mut notes)
    };
    Verdict {
        provider: Provider::WebIdentity,
        relies_on,
        ok: problem.is_none(),
        why: problem.map(|problem| {
            format!(
                "{problem}; the SDK then goes on down its chain: the shared files, then {}",
                next.description()
            )
        }),
        notes,
    }
}

/// `AssumeRoleWithWebIdentityCredentialProvider`'s test: `/^\w\:|^\/|^\\/`.
fn is_absolute_path(path: &[u8]) -> bool {
    match path {
        [b'/' | b'\\', ..] => true,
        [first, b':', ..] => first.is_ascii_alphanumeric() || *first == b'_',
        _ => false,
    }
}

/// Why a token file named by `name` is of no use, from the caller's check.
fn token_file_problem(
    name: &'static str,
    check_file: &impl Fn(&'static str) -> FileCheck,
    notes: &mut Vec<&'static str>,
) -> Option<String> {
    match check_file(name) {
        FileCheck::Readable => None,
        FileCheck::NotChecked => {
            notes.push(match name {
                WEB_IDENTITY_TOKEN_FILE => {
                    "whether a worker can read the file AWS_WEB_IDENTITY_TOKEN_FILE names was not checked here"
                }
                _ => {
                    "whether a worker can read the file AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE names was not checked here"
                }
            });
            None
        }
        FileCheck::Empty => Some(format!("the file {name} names is empty")),
        FileCheck::Unreadable(reason) => {
            Some(format!("the file {name} names cannot be read: {reason}"))
        }
    }
}

/// The last link: `shouldUseEcs()` picks the container provider, or else
/// the instance metadata service.
fn container_or_instance<'v>(
    get: &impl Fn(&str) -> Option<&'v [u8]>,
    check_file: &impl Fn(&'static str) -> FileCheck,
    mut notes: Vec<&'static str>,
) -> Verdict {
    let (uri_name, uri): (&'static str, Vec<u8>) = match (get(RELATIVE_URI), get(FULL_URI)) {
        (Some(relative), full) => {
            if full.is_some() {
                notes.push(
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI is ignored: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI comes first",
                );
            }
            (RELATIVE_URI, [b"http://169.254.170.2", relative].concat())
        }
        (None, Some(full)) => (FULL_URI, full.to_vec()),
        (None, None) => return instance_metadata(get, notes),
    };
    let mut relies_on = vec![uri_name];
    let target = parse_uri(&uri);
    let endpoint = match target.host {
        ECS_HOST => Endpoint::Ecs,
        EKS_HOST_V4 | EKS_HOST_V6 => Endpoint::EksPodIdentity,
        _ => Endpoint::FullUri,
    };

    let mut problem = host_problem(uri_name, &target, &mut notes);

    // getEcsAuthToken(): the file, when named, else the token itself.
    let token_file = get(AUTHORIZATION_TOKEN_FILE).is_some();
    let token = get(AUTHORIZATION_TOKEN).is_some();
    if token_file {
        relies_on.push(AUTHORIZATION_TOKEN_FILE);
        if token {
            notes.push(
                "AWS_CONTAINER_AUTHORIZATION_TOKEN is ignored: AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE comes first",
            );
        }
        if problem.is_none() {
            problem = token_file_problem(AUTHORIZATION_TOKEN_FILE, check_file, &mut notes);
        }
    } else if token {
        relies_on.push(AUTHORIZATION_TOKEN);
    } else if endpoint == Endpoint::EksPodIdentity && problem.is_none() {
        problem = Some(
            "the EKS Pod Identity agent answers only requests with a token, and neither \
             AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE nor AWS_CONTAINER_AUTHORIZATION_TOKEN is set"
                .to_owned(),
        );
    }

    Verdict {
        provider: Provider::Container(endpoint),
        relies_on,
        ok: problem.is_none(),
        why: problem.map(|problem| {
            format!("{problem}; the container provider is the last one in the SDK's chain")
        }),
        notes,
    }
}

/// `EcsCredentialProvider::isCompatibleUri()`, as far as it can be decided
/// without resolving a name.
fn host_problem(
    uri_name: &'static str,
    target: &Target<'_>,
    notes: &mut Vec<&'static str>,
) -> Option<String> {
    if target.host.is_empty() {
        return Some(format!("{uri_name} has no host the SDK can use"));
    }
    // parse_url() keeps the scheme as written, and the SDK compares it
    // with 'https' exactly.
    if target.scheme == b"https" {
        return None;
    }
    match host_kind(target.host) {
        HostKind::Allowed => None,
        HostKind::Refused => Some(format!(
            "{uri_name} names a host the SDK does not allow over http (only 169.254.170.2, \
             169.254.170.23, fd00:ec2::23 and loopback addresses; any host over https)"
        )),
        HostKind::Name => {
            notes.push(
                "the host of the container credentials URI is a name: the SDK allows it over http \
                 only if it resolves to a loopback address, which was not checked here",
            );
            None
        }
    }
}

enum HostKind {
    Allowed,
    Refused,
    /// A name the SDK would resolve with `gethostbyname()`.
    Name,
}

fn host_kind(host: &[u8]) -> HostKind {
    if host == ECS_HOST || host == EKS_HOST_V4 || host == EKS_HOST_V6 {
        return HostKind::Allowed;
    }
    let Ok(text) = std::str::from_utf8(host) else {
        return HostKind::Refused;
    };
    if let Ok(v4) = text.parse::<std::net::Ipv4Addr>() {
        // gethostbyname() returns an IPv4 literal as it is.
        return if v4.is_loopback() {
            HostKind::Allowed
        } else {
            HostKind::Refused
        };
    }
    if text.parse::<std::net::Ipv6Addr>().is_ok() {
        // gethostbyname() knows no IPv6 and returns it as it is; the SDK
        // then takes exactly "::1" as loopback.
        return if text == "::1" {
            HostKind::Allowed
        } else {
            HostKind::Refused
        };
    }
    // The name every resolver maps to a loopback address.
    if text.eq_ignore_ascii_case("localhost") {
        return HostKind::Allowed;
    }
    HostKind::Name
}

/// The parts of a URI the SDK looks at, as PHP's `parse_url()` finds them
/// in a `scheme://authority...` URI. Anything else has no host.
struct Target<'a> {
    scheme: &'a [u8],
    /// Without brackets (the SDK trims them); empty when there is none.
    host: &'a [u8],
}

fn parse_uri(uri: &[u8]) -> Target<'_> {
    let none = Target {
        scheme: b"",
        host: b"",
    };
    let Some(colon) = uri.windows(3).position(|w| w == b"://") else {
        return none;
    };
    let scheme = &uri[..colon];
    if scheme.is_empty()
        || !scheme
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
    {
        return none;
    }
    let rest = &uri[colon + 3..];
    let authority_end = rest
        .iter()
        .position(|&b| matches!(b, b'/' | b'?' | b'#'))
        .unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let host_port = match authority.iter().rposition(|&b| b == b'@') {
        Some(at) => &authority[at + 1..],
        None => authority,
    };
    let host = if host_port.first() == Some(&b'[') {
        match host_port.iter().position(|&b| b == b']') {
            Some(close) => &host_port[1..close],
            None => return none,
        }
    } else {
        let end = host_port
            .iter()
            .position(|&b| b == b':')
            .unwrap_or(host_port.len());
        &host_port[..end]
    };
    Target { scheme, host }
}

fn instance_metadata<'v>(
    get: &impl Fn(&str) -> Option<&'v [u8]>,
    notes: Vec<&'static str>,
) -> Verdict {
    if get(EC2_METADATA_DISABLED).is_some_and(|value| value.eq_ignore_ascii_case(b"true")) {
        return Verdict {
            provider: Provider::InstanceMetadata,
            relies_on: vec![EC2_METADATA_DISABLED],
            ok: false,
            why: Some(
                "no credentials variables in the environment, and AWS_EC2_METADATA_DISABLED turns \
                 off the EC2 instance metadata service, the last provider in the SDK's chain"
                    .to_owned(),
            ),
            notes,
        };
    }
    if get(EC2_METADATA_SERVICE_ENDPOINT).is_some() {
        // Pointed somewhere on purpose: whatever answers there decides.
        return Verdict {
            provider: Provider::InstanceMetadata,
            relies_on: vec![EC2_METADATA_SERVICE_ENDPOINT],
            ok: true,
            why: None,
            notes,
        };
    }
    Verdict {
        provider: Provider::InstanceMetadata,
        relies_on: Vec::new(),
        ok: false,
        why: Some(
            "no credentials variables in the environment: the SDK will ask the EC2 instance \
             metadata service, which in a container gives the host's role or nothing"
                .to_owned(),
        ),
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A verdict for `vars`, with every token file answering `files`.
    fn judge(vars: &[(&str, &str)], files: FileCheck) -> Verdict {
        verdict(
            |name| {
                vars.iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| v.as_bytes())
            },
            |_| files.clone(),
        )
    }

    fn judge_readable(vars: &[(&str, &str)]) -> Verdict {
        judge(vars, FileCheck::Readable)
    }

    const KEYS: [(&str, &str); 2] = [
        (ACCESS_KEY_ID, "AKIDSECRETVALUE"),
        (SECRET_ACCESS_KEY, "secret-access-key-value"),
    ];
    const IRSA: [(&str, &str); 2] = [
        (ROLE_ARN, "arn:aws:iam::123456789012:role/secret-role"),
        (WEB_IDENTITY_TOKEN_FILE, "/var/run/secrets/eks/token"),
    ];
    const ECS: (&str, &str) = (RELATIVE_URI, "/v2/credentials/secret-id");
    const POD_IDENTITY: [(&str, &str); 2] = [
        (FULL_URI, "http://169.254.170.23/v1/credentials"),
        (
            AUTHORIZATION_TOKEN_FILE,
            "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token",
        ),
    ];

    fn all_of(groups: &[&[(&'static str, &'static str)]]) -> Vec<(&'static str, &'static str)> {
        groups.iter().flat_map(|g| g.iter().copied()).collect()
    }

    // ---- the order of the chain ----

    #[test]
    fn nothing_set_means_instance_metadata_which_is_not_ok() {
        let v = judge_readable(&[("PATH", "/bin")]);
        assert_eq!(v.provider, Provider::InstanceMetadata);
        assert!(!v.ok);
        assert!(v.relies_on.is_empty());
        assert!(v.why.unwrap().contains("EC2 instance metadata service"));
        assert!(v.notes.is_empty());
    }

    #[test]
    fn static_keys_win_over_everything() {
        let vars = all_of(&[&KEYS, &IRSA, &[ECS], &POD_IDENTITY]);
        let v = judge_readable(&vars);
        assert_eq!(v.provider, Provider::StaticKeys);
        assert_eq!(v.relies_on, [ACCESS_KEY_ID, SECRET_ACCESS_KEY]);
        assert!(v.ok);
        assert_eq!(v.why, None);
    }

    #[test]
    fn static_keys_rely_on_the_session_token_when_it_is_set() {
        let vars = all_of(&[&KEYS, &[(SESSION_TOKEN, "session-token-value")]]);
        let v = judge_readable(&vars);
        assert_eq!(
            v.relies_on,
            [ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN]
        );
    }

    #[test]
    fn web_identity_wins_over_the_container_provider() {
        let vars = all_of(&[&IRSA, &[ECS], &POD_IDENTITY]);
        let v = judge_readable(&vars);
        assert_eq!(v.provider, Provider::WebIdentity);
        assert_eq!(v.relies_on, [ROLE_ARN, WEB_IDENTITY_TOKEN_FILE]);
        assert!(v.ok);
    }

    #[test]
    fn web_identity_relies_on_the_session_name_when_it_is_set() {
        let vars = all_of(&[&IRSA, &[(ROLE_SESSION_NAME, "name")]]);
        let v = judge_readable(&vars);
        assert_eq!(
            v.relies_on,
            [ROLE_ARN, WEB_IDENTITY_TOKEN_FILE, ROLE_SESSION_NAME]
        );
    }

    #[test]
    fn the_container_provider_wins_over_instance_metadata_even_when_it_is_disabled() {
        let v = judge_readable(&[ECS, (EC2_METADATA_DISABLED, "true")]);
        assert_eq!(v.provider, Provider::Container(Endpoint::Ecs));
        assert_eq!(v.relies_on, [RELATIVE_URI]);
        assert!(v.ok, "{v:?}");
    }

    #[test]
    fn the_relative_uri_wins_over_the_full_uri() {
        let vars = all_of(&[&[ECS], &POD_IDENTITY]);
        let v = judge_readable(&vars);
        assert_eq!(v.provider, Provider::Container(Endpoint::Ecs));
        assert_eq!(v.relies_on, [RELATIVE_URI, AUTHORIZATION_TOKEN_FILE]);
        assert!(v.notes.iter().any(|n| n.contains("FULL_URI is ignored")));
    }

    // ---- what counts as set ----

    #[test]
    fn empty_and_zero_values_count_as_unset_as_in_php() {
        for empty in ["", "0"] {
            let vars = [
                (ACCESS_KEY_ID, empty),
                (SECRET_ACCESS_KEY, "secret"),
                (ROLE_ARN, "arn"),
                (WEB_IDENTITY_TOKEN_FILE, empty),
                (RELATIVE_URI, empty),
                (FULL_URI, empty),
            ];
            let v = judge_readable(&vars);
            assert_eq!(v.provider, Provider::InstanceMetadata, "{empty:?}");
        }
        // "00" is a true string in PHP.
        let v = judge_readable(&[(ACCESS_KEY_ID, "00"), (SECRET_ACCESS_KEY, "00")]);
        assert_eq!(v.provider, Provider::StaticKeys);
    }

    #[test]
    fn an_access_key_without_its_secret_is_skipped_and_said() {
        for (set, note) in [
            (ACCESS_KEY_ID, "AWS_ACCESS_KEY_ID is set without"),
            (SECRET_ACCESS_KEY, "AWS_SECRET_ACCESS_KEY is set without"),
        ] {
            let v = judge_readable(&[(set, "value"), ECS]);
            assert_eq!(v.provider, Provider::Container(Endpoint::Ecs), "{set}");
            assert!(v.notes.iter().any(|n| n.starts_with(note)), "{:?}", v.notes);
        }
    }

    #[test]
    fn a_role_arn_without_its_token_file_is_skipped_and_said() {
        for (set, note) in [
            (ROLE_ARN, "AWS_ROLE_ARN is set without"),
            (
                WEB_IDENTITY_TOKEN_FILE,
                "AWS_WEB_IDENTITY_TOKEN_FILE is set without",
            ),
        ] {
            let v = judge_readable(&[(set, "/value"), ECS]);
            assert_eq!(v.provider, Provider::Container(Endpoint::Ecs), "{set}");
            assert!(v.notes.iter().any(|n| n.starts_with(note)), "{:?}", v.notes);
        }
    }

    // ---- web identity ----

    #[test]
    fn web_identity_needs_an_absolute_token_path() {
        for (path, absolute) in [
            ("/var/run/token", true),
            ("\\\\server\\token", true),
            ("C:\\token", true),
            ("_:token", true),
            ("token", false),
            ("./token", false),
            ("~/token", false),
            ("-:token", false),
        ] {
            let v = judge_readable(&[(ROLE_ARN, "arn"), (WEB_IDENTITY_TOKEN_FILE, path)]);
            assert_eq!(v.provider, Provider::WebIdentity);
            assert_eq!(v.ok, absolute, "{path}");
            if !absolute {
                assert!(v.why.unwrap().contains("not an absolute path"));
            }
        }
    }

    #[test]
    fn an_unreadable_web_identity_token_is_not_ok_and_names_what_comes_next() {
        let v = judge(&IRSA, FileCheck::Unreadable("Permission denied".into()));
        assert_eq!(v.provider, Provider::WebIdentity);
        assert!(!v.ok);
        assert_eq!(
            v.why.as_deref(),
            Some(
                "the file AWS_WEB_IDENTITY_TOKEN_FILE names cannot be read: Permission denied; \
                 the SDK then goes on down its chain: the shared files, then the EC2 instance \
                 metadata service"
            )
        );
        let vars = all_of(&[&IRSA, &POD_IDENTITY]);
        let v = judge(&vars, FileCheck::Unreadable("Permission denied".into()));
        assert!(v.why.unwrap().ends_with("then the EKS Pod Identity agent"));
    }

    #[test]
    fn an_empty_web_identity_token_is_not_ok() {
        let v = judge(&IRSA, FileCheck::Empty);
        assert!(!v.ok);
        assert!(
            v.why
                .unwrap()
                .starts_with("the file AWS_WEB_IDENTITY_TOKEN_FILE names is empty")
        );
    }

    #[test]
    fn an_unchecked_web_identity_token_stays_ok_and_says_so() {
        let v = judge(&IRSA, FileCheck::NotChecked);
        assert!(v.ok);
        assert_eq!(v.why, None);
        assert_eq!(
            v.notes,
            [
                "whether a worker can read the file AWS_WEB_IDENTITY_TOKEN_FILE names was not checked here"
            ]
        );
    }

    #[test]
    fn the_token_file_check_is_asked_about_the_variable_the_provider_reads() {
        let asked = std::cell::RefCell::new(Vec::new());
        let vars = all_of(&[&IRSA, &POD_IDENTITY]);
        verdict(
            |name| {
                vars.iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| v.as_bytes())
            },
            |name| {
                asked.borrow_mut().push(name);
                FileCheck::Readable
            },
        );
        assert_eq!(*asked.borrow(), [WEB_IDENTITY_TOKEN_FILE]);
    }

    // ---- the container provider ----

    #[test]
    fn eks_pod_identity_with_a_readable_token_file_is_ok() {
        let v = judge_readable(&POD_IDENTITY);
        assert_eq!(v.provider, Provider::Container(Endpoint::EksPodIdentity));
        assert_eq!(v.relies_on, [FULL_URI, AUTHORIZATION_TOKEN_FILE]);
        assert!(v.ok);
        let v6 = judge_readable(&[
            (FULL_URI, "http://[fd00:ec2::23]/v1/credentials"),
            POD_IDENTITY[1],
        ]);
        assert_eq!(v6.provider, Provider::Container(Endpoint::EksPodIdentity));
        assert!(v6.ok);
    }

    #[test]
    fn eks_pod_identity_without_any_token_is_not_ok() {
        let v = judge_readable(&[POD_IDENTITY[0]]);
        assert_eq!(v.provider, Provider::Container(Endpoint::EksPodIdentity));
        assert_eq!(v.relies_on, [FULL_URI]);
        assert!(!v.ok);
        assert!(
            v.why
                .unwrap()
                .contains("answers only requests with a token")
        );
    }

    #[test]
    fn the_token_itself_serves_when_no_token_file_is_named() {
        let v = judge(
            &[POD_IDENTITY[0], (AUTHORIZATION_TOKEN, "token-value")],
            FileCheck::Unreadable("never asked".into()),
        );
        assert_eq!(v.relies_on, [FULL_URI, AUTHORIZATION_TOKEN]);
        assert!(v.ok);
        // A token file of "0" is no file, for the SDK.
        let v = judge(
            &[
                POD_IDENTITY[0],
                (AUTHORIZATION_TOKEN_FILE, "0"),
                (AUTHORIZATION_TOKEN, "token-value"),
            ],
            FileCheck::Unreadable("never asked".into()),
        );
        assert_eq!(v.relies_on, [FULL_URI, AUTHORIZATION_TOKEN]);
        assert!(v.ok);
    }

    #[test]
    fn the_token_file_wins_over_the_token_and_must_be_readable() {
        let vars = all_of(&[&POD_IDENTITY, &[(AUTHORIZATION_TOKEN, "token-value")]]);
        let v = judge(
            &vars,
            FileCheck::Unreadable("No such file or directory".into()),
        );
        assert_eq!(v.relies_on, [FULL_URI, AUTHORIZATION_TOKEN_FILE]);
        assert!(!v.ok);
        assert_eq!(
            v.why.as_deref(),
            Some(
                "the file AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE names cannot be read: No such \
                 file or directory; the container provider is the last one in the SDK's chain"
            )
        );
        assert!(
            v.notes
                .iter()
                .any(|n| n.contains("AUTHORIZATION_TOKEN is ignored"))
        );
    }

    #[test]
    fn an_empty_or_unchecked_container_token_file() {
        let v = judge(&POD_IDENTITY, FileCheck::Empty);
        assert!(!v.ok);
        assert!(
            v.why
                .unwrap()
                .contains("AUTHORIZATION_TOKEN_FILE names is empty")
        );
        let v = judge(&POD_IDENTITY, FileCheck::NotChecked);
        assert!(v.ok);
        assert_eq!(
            v.notes,
            [
                "whether a worker can read the file AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE names was not checked here"
            ]
        );
    }

    #[test]
    fn the_sdk_reads_the_token_file_for_a_relative_uri_too() {
        let v = judge(
            &[ECS, POD_IDENTITY[1]],
            FileCheck::Unreadable("Permission denied".into()),
        );
        assert_eq!(v.provider, Provider::Container(Endpoint::Ecs));
        assert!(!v.ok);
    }

    #[test]
    fn full_uri_hosts_the_sdk_allows_over_http() {
        for (uri, endpoint) in [
            ("http://169.254.170.2/v2/credentials", Endpoint::Ecs),
            (
                "http://169.254.170.23/v1/credentials",
                Endpoint::EksPodIdentity,
            ),
            (
                "http://[fd00:ec2::23]:80/v1/credentials",
                Endpoint::EksPodIdentity,
            ),
            ("http://127.0.0.1:8080/creds", Endpoint::FullUri),
            ("http://127.200.3.4/creds", Endpoint::FullUri),
            ("http://[::1]:8080/creds", Endpoint::FullUri),
            ("http://localhost/creds", Endpoint::FullUri),
            ("http://user:pw@127.0.0.1/creds", Endpoint::FullUri),
            ("https://creds.example.com/x", Endpoint::FullUri),
            ("https://10.0.0.5/x", Endpoint::FullUri),
        ] {
            let v = judge_readable(&[(FULL_URI, uri), (AUTHORIZATION_TOKEN, "t")]);
            assert_eq!(v.provider, Provider::Container(endpoint), "{uri}");
            assert!(v.ok, "{uri}: {v:?}");
            assert!(v.notes.is_empty(), "{uri}: {:?}", v.notes);
        }
    }

    #[test]
    fn full_uri_hosts_the_sdk_refuses_over_http() {
        for uri in [
            "http://10.0.0.5/creds",
            "http://169.254.169.254/latest",
            "http://[fd00:ec2::254]/latest",
            "http://[0:0:0:0:0:0:0:1]/creds",
            "HTTPS://10.0.0.5/creds",
            "http://169.254.170.24/creds",
        ] {
            let v = judge_readable(&[(FULL_URI, uri)]);
            assert_eq!(v.provider, Provider::Container(Endpoint::FullUri), "{uri}");
            assert!(!v.ok, "{uri}");
            let why = v.why.unwrap();
            assert!(why.contains("names a host the SDK does not allow"), "{why}");
        }
    }

    #[test]
    fn a_full_uri_without_a_host_is_not_ok() {
        for uri in [
            "/v1/credentials",
            "169.254.170.23/v1",
            "http://",
            "http://[::1/x",
            "https:///x",
        ] {
            let v = judge_readable(&[(FULL_URI, uri)]);
            assert!(!v.ok, "{uri}");
            assert!(v.why.unwrap().contains("has no host"), "{uri}");
        }
    }

    #[test]
    fn a_host_name_other_than_localhost_is_not_judged_but_said() {
        let v = judge_readable(&[(FULL_URI, "http://creds.internal/x")]);
        assert!(v.ok);
        assert_eq!(v.notes.len(), 1);
        assert!(v.notes[0].contains("resolves to a loopback address"));
    }

    #[test]
    fn a_relative_uri_goes_to_the_ecs_agent() {
        for relative in ["/v2/credentials/x", "?id=1", ":80/x"] {
            let v = judge_readable(&[(RELATIVE_URI, relative)]);
            assert_eq!(v.provider, Provider::Container(Endpoint::Ecs), "{relative}");
            assert!(v.ok, "{relative}");
        }
    }

    // ---- instance metadata ----

    #[test]
    fn disabled_instance_metadata_is_not_ok() {
        for disabled in ["true", "TRUE", "True"] {
            let v = judge_readable(&[(EC2_METADATA_DISABLED, disabled)]);
            assert_eq!(v.provider, Provider::InstanceMetadata);
            assert_eq!(v.relies_on, [EC2_METADATA_DISABLED]);
            assert!(!v.ok);
            assert!(
                v.why
                    .unwrap()
                    .contains("AWS_EC2_METADATA_DISABLED turns off")
            );
        }
        for not_disabled in ["false", "1", "yes", ""] {
            let v = judge_readable(&[(EC2_METADATA_DISABLED, not_disabled)]);
            assert!(v.relies_on.is_empty(), "{not_disabled}");
            assert!(!v.why.unwrap().contains("DISABLED"), "{not_disabled}");
        }
    }

    #[test]
    fn an_instance_metadata_endpoint_set_on_purpose_is_ok() {
        let v = judge_readable(&[(EC2_METADATA_SERVICE_ENDPOINT, "http://127.0.0.1:1338")]);
        assert_eq!(v.provider, Provider::InstanceMetadata);
        assert_eq!(v.relies_on, [EC2_METADATA_SERVICE_ENDPOINT]);
        assert!(v.ok);
    }

    // ---- what is said ----

    #[test]
    fn keys_and_descriptions() {
        assert_eq!(Provider::StaticKeys.key(), "static_keys");
        assert_eq!(Provider::WebIdentity.key(), "web_identity");
        assert_eq!(
            Provider::Container(Endpoint::EksPodIdentity).key(),
            "container"
        );
        assert_eq!(Provider::InstanceMetadata.key(), "instance_metadata");
        assert_eq!(Endpoint::Ecs.key(), "ecs");
        assert_eq!(Endpoint::EksPodIdentity.key(), "eks_pod_identity");
        assert_eq!(Endpoint::FullUri.key(), "full_uri");
    }

    #[test]
    fn the_summary_for_the_start_up_line() {
        assert_eq!(
            judge_readable(&[ECS]).to_string(),
            "the AWS SDK will use the ECS container credentials endpoint"
        );
        assert_eq!(
            judge(&POD_IDENTITY, FileCheck::NotChecked).to_string(),
            "the AWS SDK will use the EKS Pod Identity agent"
        );
        assert_eq!(
            judge_readable(&KEYS).to_string(),
            "the AWS SDK will use static keys from the environment"
        );
        assert_eq!(
            judge_readable(&IRSA).to_string(),
            "the AWS SDK will use web identity (IRSA)"
        );
        assert_eq!(
            judge_readable(&[]).to_string(),
            "the AWS SDK will use the EC2 instance metadata service (not ok: no credentials \
             variables in the environment: the SDK will ask the EC2 instance metadata service, \
             which in a container gives the host's role or nothing)"
        );
        let mut line = String::from("aws_env: captured X from Y — ");
        judge_readable(&[ECS]).write_summary(&mut line).unwrap();
        assert!(line.ends_with("— the AWS SDK will use the ECS container credentials endpoint"));
        assert!(SCOPE_NOTE.contains("environment only"));
    }

    #[test]
    fn no_value_ever_appears_in_what_is_said() {
        let secret = "SECRET-VALUE-\u{e9}";
        let names = [
            ACCESS_KEY_ID,
            SECRET_ACCESS_KEY,
            SESSION_TOKEN,
            ROLE_ARN,
            WEB_IDENTITY_TOKEN_FILE,
            ROLE_SESSION_NAME,
            RELATIVE_URI,
            FULL_URI,
            AUTHORIZATION_TOKEN,
            AUTHORIZATION_TOKEN_FILE,
            EC2_METADATA_SERVICE_ENDPOINT,
        ];
        let uris = [
            format!("http://{secret}/x"),
            format!("http://10.0.0.5/{secret}"),
            format!("/{secret}"),
        ];
        // Every subset of the names (2^11), each with the secret as value,
        // the URIs with it in host and path, and each file check.
        for mask in 0u32..(1 << names.len()) {
            for uri in &uris {
                let vars: Vec<(&str, String)> = names
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| mask & (1 << i) != 0)
                    .map(|(_, &name)| {
                        let value = if name == FULL_URI || name == RELATIVE_URI {
                            uri.clone()
                        } else {
                            secret.to_owned()
                        };
                        (name, value)
                    })
                    .collect();
                for check in [
                    FileCheck::Empty,
                    FileCheck::Unreadable("Permission denied".into()),
                ] {
                    let v = verdict(
                        |name| {
                            vars.iter()
                                .find(|(n, _)| *n == name)
                                .map(|(_, v)| v.as_bytes())
                        },
                        |_| check.clone(),
                    );
                    let said = format!("{v} {v:?}");
                    assert!(!said.contains("SECRET-VALUE"), "{said}");
                    assert!(!said.contains("10.0.0.5"), "{said}");
                }
            }
        }
    }
}
