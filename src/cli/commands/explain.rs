//! `corsc explain RULE|CODE`: a rule's documentation, or a fixed or compile code's meaning;
//! `corsc explain browsers`: where the browser engines differ, with sources.

use super::super::args::ExplainArgs;
use super::super::{output, Outcome};
use crate::lint::docs;

pub(crate) fn run(args: &ExplainArgs, color: bool) -> Outcome {
    if args.rule == "browsers" {
        output::out(&format!(
            "# Where browsers differ\n\nWhat `simulate --browser` models for each engine. {}\n\n{}",
            "Every fact has its source below; the ground-truth tests check the Chromium, Firefox and WebKit columns against the installed browsers.",
            crate::browsers::markdown_table()
        ));
        return Outcome::Clean;
    }
    let catalogue = docs::catalogue();
    if let Some(text) = catalogue.explain(&args.rule) {
        output::out(&(text + "\n"));
        return Outcome::Clean;
    }
    let help = match crate::check::closest_name(&args.rule, catalogue.names()) {
        Some(n) => format!("did you mean `{n}`? `corsc rules` lists every rule and code"),
        None => "`corsc rules` lists every rule and code".to_string(),
    };
    output::fatal_with_help(
        format!("`{}` is not a rule name or a code", args.rule),
        help,
        color,
    );
    Outcome::Fatal
}
