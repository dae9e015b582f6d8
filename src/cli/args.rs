//! The command line, as clap parses it into typed values (a `--target` into the registered
//! target it names). Nothing here does work.

use crate::emit::{self, Target};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Compile and lint declarative CORS policies.
#[derive(Debug, Parser)]
#[command(
    name = "corsc",
    version,
    about = "Compile and lint declarative CORS policies",
    long_about = "corsc reads CORS policies written in `.cors` files, checks them, lints them for the \
mistakes that break browsers or open security holes, and explains what a browser will do.",
    propagate_version = true,
    arg_required_else_help = true,
    after_help = "Exit status: 0 success, 1 the policies have errors (or a check found a difference), \
2 usage or I/O errors; each command's --help says what its own codes mean.\n\nExamples:\n  \
corsc lint policies/\n  corsc compile api.cors --target nginx -o /etc/nginx/corsc/\n  \
corsc simulate api.cors --origin https://app.example.com\n  corsc targets"
)]
pub struct Cli {
    /// When to color output: auto (a terminal, and NO_COLOR unset), always or never.
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto, env = "CORSC_COLOR")]
    pub color: ColorWhen,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// When to color output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// Color when writing to a terminal and `NO_COLOR` is not set.
    Auto,
    /// Always color.
    Always,
    /// Never color.
    Never,
}

/// Output formats of `check` and `lint`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Source snippets with labels and help, for people.
    Human,
    /// One line per finding: `file:line:col: severity: CODE name: message`.
    Concise,
    /// One JSON document (schema `corsc-diagnostics/1`, described in the README).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF consumers.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=…::…`), shown as annotations.
    Github,
    /// GitLab Code Quality report (JSON), for `artifacts:reports:codequality`.
    Gitlab,
    /// JUnit XML: a test suite per file, a failing test case per finding.
    Junit,
    /// Checkstyle XML, for Jenkins, reviewdog and other Checkstyle consumers.
    Checkstyle,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse and type-check policies; report syntax and type errors.
    #[command(
        after_help = "Exit status: 0 when every file is valid, 1 when any has errors, 2 on usage or I/O errors.\n\nExamples:\n  corsc check policies/\n  corsc check api.cors --profile dev\n  cat api.cors | corsc check - --stdin-filename api.cors"
    )]
    Check(InputArgs),
    /// Check policies and lint them for CORS mistakes.
    #[command(
        after_help = "Exit status: 0 when no error was found, 1 when one was (or a warning, with \
`--deny warnings`), 2 on usage or I/O errors. With --diff: 1 when a file would change, else 0.\n\nExamples:\n  corsc lint policies/\n  corsc lint --deny warnings api.cors\n  cat api.cors | corsc lint - --stdin-filename api.cors\n  corsc lint --diff policies/\n  corsc lint --statistics policies/\n  corsc lint --format junit --output-file corsc-junit.xml policies/"
    )]
    Lint(LintArgs),
    /// List every lint rule and every fixed error code.
    #[command(
        after_help = "Exit status: 0, or 2 on usage errors.\n\nExamples:\n  corsc rules\n  corsc rules --format json\n  corsc rules --format markdown"
    )]
    Rules(RulesArgs),
    /// Show a rule's documentation, or what a fixed error code means.
    #[command(
        after_help = "Exit status: 0 when RULE names a rule, a code or `browsers`, 2 when it names none.\n\nExamples:\n  corsc explain null-origin\n  corsc explain S102\n  corsc explain E104\n  corsc explain browsers    (where Chromium, Firefox and WebKit differ)"
    )]
    Explain(ExplainArgs),
    /// Compile a policy for one target: a server configuration or an application module.
    #[command(
        after_help = "Exit status: 0 when the configuration was written, 1 when the policy has errors \
(check errors, error-level lint findings, or features the target cannot express), 2 on usage or \
I/O errors (an unknown target, a shape it lacks, an `-o` path that cannot take the output). \
Nothing is written unless compilation succeeds. `corsc targets` lists the targets.\n\nExamples:\n  \
corsc compile api.cors --target nginx --shape server -o cors.conf\n  \
corsc compile api.cors --target nginx -o /etc/nginx/corsc/\n  \
corsc compile api.cors --target apache --profile dev -o cors-apache.conf\n  \
corsc compile api.cors --target express -o -"
    )]
    Compile(CompileArgs),
    /// Compile every policy, target and output listed in `corsc.yaml`; `--check` shows drift
    /// without writing.
    #[command(
        after_help = "The manifest lists what to build:\n\n  build:\n    - policy: policies/api.cors\n      target: nginx\n      output: deploy/nginx/\n    - policy: policies/api.cors\n      target: express\n      profile: dev\n      output: app/corsc-express.cjs\n\nPaths are relative to the manifest and stay inside its directory; every value is validated as the matching `compile` flag is. \n\nExit status: 0 built (or up to date with --check), 1 an output does not build (nothing is written) or, with --check, an output drifted, 2 usage or I/O errors, a refused manifest value included (nothing is written).\n\nExamples:\n  corsc build\n  corsc build --check\n  corsc build --manifest deploy/corsc.yaml"
    )]
    Build(BuildArgs),
    /// List the compilation targets; with a NAME, show what that target can express.
    #[command(
        after_help = "Exit status: 0, or 2 when NAME names no target (the nearest names are suggested).\n\nExamples:\n  corsc targets\n  corsc targets nginx\n  corsc targets --wide\n  corsc targets --format json"
    )]
    Targets(TargetsArgs),
    /// Show what a browser sends, what the policy's server answers, and the browser's verdict.
    #[command(
        after_help = "Exit status: 0 when the browser lets script read the response, 1 when it blocks \
the request, 2 on usage or I/O errors (including a policy with errors).\n\nExamples:\n  \
corsc simulate api.cors --origin https://app.example.com --method PUT --header Content-Type:application/json --credentials\n  \
corsc simulate api.cors --origin https://evil.test --path /api/me --format json"
    )]
    Simulate(SimulateArgs),
    /// Send probes derived from a policy to a running server and compare its answers.
    #[command(
        after_help = "Exit status: 0 when every planned probe ran and matches the policy with no \
finding; 1 on any mismatch, any finding (an answer that depends on Origin without `Vary: Origin`, \
`*` with credentials or an empty origin to a request without Origin), or probes the budget left \
out (unless --allow-partial); 2 on usage or I/O errors (bad URL, --max-probes 0, server \
unreachable, a policy with errors).\n\nExamples:\n  \
corsc verify api.cors --url http://127.0.0.1:8080\n  \
corsc verify api.cors --url http://127.0.0.1:8080 --max-probes 5000\n  \
corsc verify api.cors --url http://127.0.0.1:8080 --profile dev --format json"
    )]
    Verify(VerifyArgs),
    /// Compare two policies: what NEW allows that OLD did not, and the reverse.
    #[command(
        after_help = "Exit status: 0 when NEW allows nothing OLD did not (equivalent or narrower), \
1 when NEW allows something OLD did not, 2 on usage or I/O errors or a policy with errors.\n\nExamples:\n  \
corsc diff old.cors new.cors\n  \
corsc diff old.cors new.cors --profile prod --format json\n  \
corsc diff old.cors new.cors --old-profile dev --new-profile prod"
    )]
    Diff(DiffArgs),
    /// Rewrite policies in the canonical layout; `--check` and `--diff` change nothing.
    #[command(
        after_help = "Exit status: 0 when every file is (now) formatted, 1 with --check or --diff when a file \
would change, 2 when a file does not parse (it is left as it is) or on usage or I/O errors.\n\nExamples:\n  \
corsc fmt policies/\n  corsc fmt --check policies/\n  corsc fmt --diff api.cors\n  cat api.cors | corsc fmt -"
    )]
    Fmt(FmtArgs),
    /// Serve the Language Server Protocol over standard input and output, for editors.
    #[command(
        after_help = "The editor starts it and speaks JSON-RPC over its standard input and output: \
diagnostics as you type (the same as `corsc lint`, with the nearest `corsc.yaml`), quick fixes, \
formatting, hovers, completion, and the definition and references of origin sets.\n\nExit \
status: 0 after `shutdown` and `exit`, 1 when the client exits or closes without `shutdown`, 2 \
when standard output cannot be written.\n\nExamples:\n  corsc lsp    (started by the editor; see the README's \"Editor support\")\n  \
corsc lsp --config ci/corsc.yaml"
    )]
    Lsp(LspArgs),
    /// Import an existing CORS configuration (nginx, Apache, framework settings…) as a policy.
    #[command(
        after_help = "Exit status: 0 when the policy was written (findings about the input are \
printed to standard error), 1 when the input has errors (nothing is written), 2 on usage or I/O \
errors (an `-o` path in a missing directory, or a directory, included).\n\nExamples:\n  corsc import --from nginx /etc/nginx/nginx.conf -o api.cors\n  \
corsc import --from ingress-nginx ingress.yaml\n  corsc import --list"
    )]
    Import(ImportArgs),
    /// Print a shell completion script for corsc on standard output.
    #[command(after_help = "Exit status: 0, or 2 on usage errors.\n\nExamples:\n  \
corsc completions bash > ~/.local/share/bash-completion/completions/corsc\n  \
corsc completions zsh > ~/.zfunc/_corsc\n  \
corsc completions fish > ~/.config/fish/completions/corsc.fish")]
    Completions(CompletionsArgs),
    /// Print the manual page (roff) on standard output, or write one page per command.
    #[command(
        after_help = "Exit status: 0, or 2 on usage or I/O errors (`-o` naming a missing directory).\n\nExamples:\n  \
corsc man | man -l -\n  \
corsc man > /usr/local/share/man/man1/corsc.1\n  \
corsc man -o /usr/local/share/man/man1/"
    )]
    Man(ManArgs),
}

/// The shells `corsc completions` writes for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ShellArg {
    /// Bash (with the bash-completion package).
    Bash,
    /// Zsh.
    Zsh,
    /// Fish.
    Fish,
    /// PowerShell.
    Powershell,
    /// Elvish.
    Elvish,
}

/// `completions`' options.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_name = "SHELL", value_enum)]
    pub shell: ShellArg,
}

/// `man`'s options.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write `corsc.1` and one `corsc-COMMAND.1` per command into this existing directory
    /// instead of printing `corsc.1`.
    #[arg(long, short = 'o', value_name = "DIR")]
    pub output: Option<PathBuf>,
}

/// `import`'s options.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The format of the input (`corsc import --list` names them).
    #[arg(long, value_name = "FORMAT", required_unless_present = "list")]
    pub from: Option<String>,

    /// The configuration files to read, together; includes are followed from them.
    #[arg(value_name = "FILE", required_unless_present = "list")]
    pub files: Vec<PathBuf>,

    /// Write the policy to this file (atomically) instead of standard output (`-`); its
    /// directory must exist.
    #[arg(long, short = 'o', value_name = "PATH")]
    pub output: Option<PathBuf>,

    /// How findings about the input are printed.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Human, env = "CORSC_FORMAT")]
    pub format: Format,

    /// List the formats corsc imports.
    #[arg(long)]
    pub list: bool,
}

/// Output formats of `verify`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Text for people.
    Human,
    /// One JSON document.
    Json,
}

/// Output formats of `simulate`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SimulateFormat {
    /// Text for people.
    Human,
    /// One JSON document.
    Json,
    /// A mermaid sequence diagram of the exchange (page, browser, server), the failing step
    /// shaded: paste it into a ```mermaid block of a GitHub comment or a Markdown file.
    Mermaid,
}

/// Output formats of `diff`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// Text for people.
    Human,
    /// One JSON document.
    Json,
    /// GitHub-flavoured Markdown, for a pull-request comment.
    Markdown,
}

/// Which browser to model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Browser {
    /// Chromium 142 and later (max-age capped at 7200 s; `*` still covers Authorization without
    /// credentials; local-network access by the user's permission).
    Chromium,
    /// Firefox (max-age capped at 86400 s; cross-site cookies partitioned).
    Firefox,
    /// WebKit: Safari, and every browser on iOS (max-age capped at 600 s; cross-site cookies
    /// blocked).
    Webkit,
    /// The Fetch standard to the letter (`*` never covers Authorization).
    Spec,
}

/// What `simulate` and `verify` evaluate the policy as: resolved for a profile, by a browser.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Resolve policies for this profile.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// Which browser's behaviour to model where browsers differ.
    #[arg(long, value_enum, default_value_t = Browser::Chromium)]
    pub browser: Browser,
}

/// How `verify` names standard input and writes its report.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The name to report for standard input.
    #[arg(long, value_name = "NAME", default_value = "<stdin>")]
    pub stdin_filename: String,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = ReportFormat::Human)]
    pub format: ReportFormat,
}

/// `simulate`'s options.
#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// The policy file (`-` reads standard input).
    #[arg(value_name = "POLICY")]
    pub policy: PathBuf,

    /// The origin of the calling page, as a browser sends it (`https://app.example.com`, `null`).
    #[arg(long, value_name = "ORIGIN")]
    pub origin: String,

    /// The request method as script passes it to fetch() (`put` is normalized, `patch` is not).
    #[arg(long, short = 'X', value_name = "METHOD", default_value = "GET")]
    pub method: String,

    /// A request header set by script, `NAME` or `NAME:VALUE` (repeatable).
    #[arg(long = "header", short = 'H', value_name = "NAME[:VALUE]")]
    pub headers: Vec<String>,

    /// Include credentials (`credentials: "include"`: cookies, HTTP auth).
    #[arg(long)]
    pub credentials: bool,

    /// The request path; defaults to a path inside the first policy's scope.
    #[arg(long, value_name = "PATH")]
    pub path: Option<String>,

    /// The server's own origin (`https://api.example.com`): with --credentials, whether the
    /// request is same-site and so carries the user's cookies in every browser.
    #[arg(long, value_name = "ORIGIN")]
    pub server_origin: Option<String>,

    /// The profile and the browser.
    #[command(flatten)]
    pub eval: EvalArgs,

    /// Answer as the compiled output for this target does: the policy is picked on the path
    /// form its server routes on (decoded, case-folded, cleaned). Default: the path as sent.
    #[arg(long, value_name = "TARGET", value_parser = TargetArg::parse)]
    pub target: Option<TargetArg>,

    /// The name to report for standard input.
    #[arg(long, value_name = "NAME", default_value = "<stdin>")]
    pub stdin_filename: String,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = SimulateFormat::Human)]
    pub format: SimulateFormat,
}

/// `verify`'s options.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The policy file the server is supposed to implement.
    #[arg(value_name = "POLICY")]
    pub policy: PathBuf,

    /// The server's base URL (`http://127.0.0.1:8080`); probe paths are appended to its path.
    #[arg(long, value_name = "URL")]
    pub url: String,

    /// The profile and the browser.
    #[command(flatten)]
    pub eval: EvalArgs,

    /// At most this many probes. Attacker probes are planned first; what does not fit is
    /// reported per class, and the run fails unless --allow-partial is given.
    #[arg(long, value_name = "N", default_value_t = 400)]
    pub max_probes: usize,

    /// Accept a run the budget cut short: exit 0 when every probe that ran matches (the report
    /// still says what was left out).
    #[arg(long)]
    pub allow_partial: bool,

    /// Per-request timeout in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 5)]
    pub timeout: u64,

    /// Probes in flight at once, each on its own connection (the report keeps plan order).
    #[arg(long, short = 'j', value_name = "N", default_value_t = 1)]
    pub jobs: usize,

    /// The target whose output the server runs: expected answers follow the path form its
    /// router uses (decoded, case-folded, cleaned). Default: the path as sent.
    #[arg(long, value_name = "TARGET", value_parser = TargetArg::parse)]
    pub target: Option<TargetArg>,

    /// Standard input's name and the output format.
    #[command(flatten)]
    pub report: ReportArgs,
}

/// Which files to read, and how to report.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Policy files, or directories searched for `*.cors` (skipping what `.gitignore` and the
    /// configuration's `exclude:` leave out); `-` reads standard input. Default: `.`.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Resolve policies for this profile (e.g. `dev`) instead of the base policies.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// The name to report for standard input.
    #[arg(long, value_name = "NAME", default_value = "<stdin>")]
    pub stdin_filename: String,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Human, env = "CORSC_FORMAT")]
    pub format: Format,
}

impl InputArgs {
    /// The paths to read: those given, or the current directory.
    pub(crate) fn paths(&self) -> Vec<PathBuf> {
        if self.files.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            self.files.clone()
        }
    }
}

/// `lint`'s options.
#[derive(Debug, Args)]
pub struct LintArgs {
    /// Files and format.
    #[command(flatten)]
    pub input: InputArgs,

    /// Report these rules, codes or categories as errors (`warnings` makes every warning fail).
    #[arg(long, short = 'D', value_name = "RULE")]
    pub deny: Vec<String>,

    /// Report these rules, codes or categories as warnings.
    #[arg(long, short = 'W', value_name = "RULE")]
    pub warn: Vec<String>,

    /// Do not report these rules, codes or categories.
    #[arg(long, short = 'A', value_name = "RULE")]
    pub allow: Vec<String>,

    /// Read each file as this format's configuration (`corsc import --list`), import it, and
    /// report findings at the file's own lines.
    #[arg(long, value_name = "FORMAT", conflicts_with = "fix")]
    pub from: Option<String>,

    /// Apply the safe fixes findings carry, in place (standard input: print the fixed text).
    #[arg(long)]
    pub fix: bool,

    /// Exit 0 even when findings would fail the run (usage and I/O errors still exit 2).
    #[arg(long)]
    pub exit_zero: bool,

    /// With `--fix` or `--diff`, apply the unsafe fixes too (those that change what a policy
    /// allows); without it, count them as fixable.
    #[arg(long)]
    pub unsafe_fixes: bool,

    /// Show what `--fix` would change as a unified diff per file, and change nothing (exit 1
    /// when a file would change).
    #[arg(long, conflicts_with_all = ["fix", "from", "statistics"])]
    pub diff: bool,

    /// Print how often each rule was reported (code, name, count, `[*]` when fixable) instead
    /// of the findings.
    #[arg(long)]
    pub statistics: bool,

    /// Write the report to this file (replaced whole) instead of standard output.
    #[arg(long, short = 'o', value_name = "PATH")]
    pub output_file: Option<PathBuf>,

    /// Print only the findings: no summary and no line saying that nothing was found.
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// Where the lint settings come from.
    #[command(flatten)]
    pub settings: SettingsArgs,
}

/// Where the lint settings come from: shared by `lint`, `compile` and `build`, so the three
/// read one configuration the same way.
#[derive(Debug, Args)]
pub struct SettingsArgs {
    /// Read lint settings from this file instead of the nearest `.corsc.yaml` or `corsc.yaml`.
    #[arg(long, value_name = "PATH", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,

    /// Ignore configuration files; only command-line flags apply.
    #[arg(long)]
    pub isolated: bool,
}

/// `--isolated` where no flag sets a rule's level: the rules run at their default levels.
fn isolated_help(arg: clap::Arg) -> clap::Arg {
    arg.help("Ignore configuration files; the rules run at their default levels")
}

/// `rules`' options.
#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = TableFormat::Text)]
    pub format: TableFormat,
}

/// `explain`'s options.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule name (`null-origin`), a rule code (`S102`), an error code (`E104`), or `browsers`.
    #[arg(value_name = "RULE")]
    pub rule: String,
}

/// A `--target` value: the text as given, and the registered target it names (an id or an
/// alias), looked up once, here.
///
/// An unknown name is kept rather than refused by clap, so each command reports it as it
/// always has: `compile` before it reads the policy, `simulate` and `verify` after, each in its
/// own words and with the list of targets.
#[derive(Clone)]
pub struct TargetArg {
    /// The value as given.
    pub given: String,
    /// The target it names, if it names one.
    pub target: Option<&'static dyn Target>,
}

impl TargetArg {
    /// Looks the value up in the registry; never fails (see the type's documentation).
    fn parse(given: &str) -> Result<Self, std::convert::Infallible> {
        Ok(Self {
            given: given.to_string(),
            target: emit::find(given),
        })
    }
}

impl std::fmt::Debug for TargetArg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TargetArg")
            .field("given", &self.given)
            .field("target", &self.target.map(|t| t.meta().id))
            .finish()
    }
}

/// Output shapes of `compile`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ShapeArg {
    /// Fragments to include into an existing configuration (the default).
    Include,
    /// A complete example server, for trying a policy (nginx).
    Server,
    /// A per-directory `.htaccess` file (Apache).
    Htaccess,
    /// Lines to include inside your own `location`, next to its `proxy_pass` (nginx).
    Snippet,
    /// An AWS CloudFormation template (s3, cloudfront).
    Cloudformation,
    /// Kubernetes custom resources (traefik's `Middleware`).
    Kubernetes,
}

/// `compile`'s options.
#[derive(Debug, Args)]
#[command(mut_arg("isolated", isolated_help))]
pub struct CompileArgs {
    /// The policy file (`-` reads standard input).
    #[arg(value_name = "POLICY")]
    pub policy: PathBuf,

    /// The target configuration language (`corsc targets` lists them).
    #[arg(long, short = 't', value_name = "TARGET", value_parser = TargetArg::parse)]
    pub target: TargetArg,

    /// Resolve policies for this profile (e.g. `dev`) instead of the base policies.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// Write here instead of standard output (`-`), atomically; the file's directory must
    /// exist. For nginx's include and snippet shapes, a directory (created if only it is
    /// missing) that receives `corsc-http.conf` and `corsc-server.conf` (or
    /// `corsc-snippet.conf`), and `corsc-map-hash.conf` when the origins need larger hashes.
    #[arg(long, short = 'o', value_name = "PATH")]
    pub output: Option<PathBuf>,

    /// The shape of the output (default: the target's first, `include` for most; `corsc
    /// targets NAME` lists them).
    #[arg(long, value_enum)]
    pub shape: Option<ShapeArg>,

    /// The address a complete server listens on (`--shape server`).
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:8080")]
    pub listen: String,

    /// The namespace of every variable the output defines (nginx, Apache): `[a-z][a-z0-9]*`.
    /// Default: derived from `--output`, else from the policy file, its profile and hash.
    /// Outputs included into one server must have different namespaces.
    #[arg(long, value_name = "NAME")]
    pub namespace: Option<String>,

    /// A server-level header to repeat in the generated locations (nginx), as
    /// `'Name: value'`; repeatable. nginx drops every server-level `add_header` in a location
    /// that adds its own, so HSTS or `X-Frame-Options` would vanish on the CORS paths.
    #[arg(long = "keep-header", value_name = "NAME: VALUE")]
    pub keep_header: Vec<String>,

    /// The package of the generated Java class (spring), e.g. `com.example.web.cors`:
    /// dot-separated ASCII Java identifiers, no keywords. Default: `corsc.generated`.
    #[arg(long, value_name = "NAME")]
    pub java_package: Option<String>,

    /// Compile even when the linter reports errors (they are still printed).
    #[arg(long)]
    pub allow_lint_errors: bool,

    /// Where the lint settings come from (`corsc lint`'s).
    #[command(flatten)]
    pub settings: SettingsArgs,

    /// The name to report for standard input.
    #[arg(long, value_name = "NAME", default_value = "<stdin>")]
    pub stdin_filename: String,

    /// Format of the diagnostics, if there are any.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Human, env = "CORSC_FORMAT")]
    pub format: Format,
}

/// Formats of `targets`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    /// Aligned text.
    Text,
    /// One JSON document.
    Json,
    /// A Markdown table (for the README).
    Markdown,
}

/// `targets`' options.
#[derive(Debug, Args)]
pub struct TargetsArgs {
    /// Show this target (an id or an alias) in full: kind, versions, shapes, outputs,
    /// capabilities and what it refuses.
    #[arg(value_name = "NAME")]
    pub name: Option<String>,

    /// Show every target's full capability table side by side (wider than a terminal).
    #[arg(long)]
    pub wide: bool,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = TableFormat::Text)]
    pub format: TableFormat,
}

/// `build`'s options.
#[derive(Debug, Args)]
#[command(mut_arg("isolated", isolated_help))]
pub struct BuildArgs {
    /// The manifest (default: `corsc.yaml` here or in the nearest parent directory).
    #[arg(long, value_name = "PATH")]
    pub manifest: Option<PathBuf>,

    /// Write nothing; print a diff of every output that differs from what its policy
    /// generates, and exit 1 if any does.
    #[arg(long)]
    pub check: bool,

    /// Where the lint settings come from (`corsc lint`'s).
    #[command(flatten)]
    pub settings: SettingsArgs,
}

/// `lsp`'s options.
#[derive(Debug, Args)]
pub struct LspArgs {
    /// Where the lint settings come from (`corsc lint`'s).
    #[command(flatten)]
    pub settings: SettingsArgs,
}

/// `fmt`'s options.
#[derive(Debug, Args)]
pub struct FmtArgs {
    /// Policy files, or directories searched for `*.cors`; `-` (or none, with standard input
    /// piped) formats standard input to standard output.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Change nothing; list the files that would change and exit 1 if any would.
    #[arg(long, conflicts_with = "diff")]
    pub check: bool,

    /// Change nothing; print what would change as a unified diff and exit 1 if anything would.
    #[arg(long)]
    pub diff: bool,

    /// The name to report for standard input.
    #[arg(long, value_name = "NAME", default_value = "<stdin>")]
    pub stdin_filename: String,
}

/// `diff`'s options.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The policy file migrated from.
    #[arg(value_name = "OLD")]
    pub old: PathBuf,

    /// The policy file migrated to.
    #[arg(value_name = "NEW")]
    pub new: PathBuf,

    /// Resolve both files for this profile.
    #[arg(long, value_name = "NAME", conflicts_with_all = ["old_profile", "new_profile"])]
    pub profile: Option<String>,

    /// Resolve OLD for this profile.
    #[arg(long, value_name = "NAME")]
    pub old_profile: Option<String>,

    /// Read both sides as this format's configuration (`corsc import --list`) instead of
    /// policies.
    #[arg(long, value_name = "FORMAT", conflicts_with_all = ["old_from", "new_from"])]
    pub from: Option<String>,

    /// Read OLD as this format's configuration (e.g. the ingress-nginx annotations a
    /// migration replaces).
    #[arg(long, value_name = "FORMAT")]
    pub old_from: Option<String>,

    /// Read NEW as this format's configuration.
    #[arg(long, value_name = "FORMAT")]
    pub new_from: Option<String>,

    /// Resolve NEW for this profile.
    #[arg(long, value_name = "NAME")]
    pub new_profile: Option<String>,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,
}
