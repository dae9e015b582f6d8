//! `corsc rules`: every lint rule, every fixed error code and every compile error code.

use super::super::args::{RulesArgs, TableFormat};
use super::super::{output, Outcome};
use crate::lint::docs;

pub(crate) fn run(args: &RulesArgs) -> Outcome {
    let catalogue = docs::catalogue();
    let text = match args.format {
        TableFormat::Text => catalogue.text_table(),
        TableFormat::Markdown => catalogue.markdown_table(),
        TableFormat::Json => match serde_json::to_string_pretty(catalogue.entries()) {
            Ok(j) => j + "\n",
            Err(e) => format!("{{\"error\": \"{e}\"}}\n"),
        },
    };
    output::out(&text);
    Outcome::Clean
}
