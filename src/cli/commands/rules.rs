//! `corsc rules`: every lint rule and every fixed error code.

use super::super::args::{RulesArgs, TableFormat};
use super::super::{output, Outcome};
use crate::lint::docs;

pub(crate) fn run(args: &RulesArgs) -> Outcome {
    let text = match args.format {
        TableFormat::Text => docs::text_table(),
        TableFormat::Markdown => docs::markdown_table(),
        TableFormat::Json => match serde_json::to_string_pretty(&docs::entries()) {
            Ok(j) => j + "\n",
            Err(e) => format!("{{\"error\": \"{e}\"}}\n"),
        },
    };
    output::out(&text);
    Outcome::Clean
}
