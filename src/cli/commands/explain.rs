//! `corsc explain RULE|CODE`: a rule's documentation, or a fixed code's meaning.

use super::super::args::ExplainArgs;
use super::super::inputs::InputError;
use super::super::{output, Outcome};
use crate::lint::docs;

pub(crate) fn run(args: &ExplainArgs, color: bool) -> Outcome {
    if let Some(text) = docs::explain(&args.rule) {
        output::out(&(text + "\n"));
        return Outcome::Clean;
    }
    let help = match docs::closest(&args.rule) {
        Some(n) => format!("did you mean `{n}`? `corsc rules` lists every rule and code"),
        None => "`corsc rules` lists every rule and code".to_string(),
    };
    output::fatal(
        &[InputError {
            message: format!("`{}` is not a rule name or a code", args.rule),
            help: Some(help),
        }],
        color,
    );
    Outcome::Fatal
}
