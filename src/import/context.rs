//! What every importer works with: its description, the files it reads, and the findings it
//! reports. Kept apart from the stage's entry point so that the format files and the entry
//! point both stand on it without importing each other.

use super::draft::Loc;
use crate::diagnostics::codes::{self, Code};
use crate::diagnostics::{Diagnostic, Severity};
use crate::source::Source;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::draft::Draft;

/// What `corsc import --help` and `corsc import --list` say about a format.
#[derive(Debug)]
pub struct FormatMeta {
    /// The `--from` value.
    pub id: &'static str,
    /// The system's name.
    pub name: &'static str,
    /// What files it reads.
    pub reads: &'static str,
}

/// One input format.
pub trait Importer: Sync {
    /// Its id and description.
    fn meta(&self) -> &'static FormatMeta;
    /// Reads the input files (indexes into [`Context::sources`]) into a draft, reporting what
    /// it cannot say exactly through the context.
    fn read(&self, cx: &mut Context, files: &[usize]) -> Draft;
}

/// The inputs of one import and what it found to report about them.
#[derive(Debug, Default)]
pub struct Context {
    /// Every file read: those named, then those they include.
    pub sources: Vec<Source>,
    /// Findings, each with the index of the file it is about.
    pub diagnostics: Vec<(usize, Diagnostic)>,
    /// Where each source was read from, for includes relative to it and loop detection.
    paths: Vec<Option<PathBuf>>,
    seen: HashSet<PathBuf>,
}

impl Context {
    /// A context over sources already in memory (tests, standard input).
    #[must_use]
    pub fn with_sources(sources: Vec<Source>) -> Self {
        let paths = sources
            .iter()
            .map(|s| Some(PathBuf::from(&s.name)))
            .collect();
        Context {
            sources,
            paths,
            ..Context::default()
        }
    }

    /// The text of file `file`.
    #[must_use]
    pub fn text(&self, file: usize) -> &str {
        &self.sources[file].text
    }

    /// Reads a file into the context, once: reading a file already read gives `Ok(None)`
    /// (an include loop or an include named twice). Files past corsc's size limit are refused.
    ///
    /// # Errors
    /// Why it could not be read.
    pub fn load(&mut self, path: &Path) -> Result<Option<usize>, String> {
        let key = std::fs::canonicalize(path).map_err(|e| e.to_string())?;
        if !self.seen.insert(key) {
            return Ok(None);
        }
        let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
        // A device or a pipe (`include /dev/zero;`) never ends; only regular files are read.
        if !meta.is_file() {
            return Err("it is not a regular file".to_string());
        }
        let limit = crate::limits::MAX_FILE_BYTES as u64;
        let too_big = || {
            format!(
                "it is larger than {} MiB",
                crate::limits::MAX_FILE_BYTES >> 20
            )
        };
        if meta.len() > limit {
            return Err(too_big());
        }
        // The size can grow between the look and the read: read no more than the limit.
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(
            &mut std::io::Read::take(
                std::fs::File::open(path).map_err(|e| e.to_string())?,
                limit + 1,
            ),
            &mut bytes,
        )
        .map_err(|e| e.to_string())?;
        if bytes.len() as u64 > limit {
            return Err(too_big());
        }
        let text = String::from_utf8(bytes).map_err(|_| "it is not UTF-8 text".to_string())?;
        self.sources
            .push(Source::new(path.to_string_lossy().into_owned(), text));
        self.paths.push(Some(path.to_path_buf()));
        Ok(Some(self.sources.len() - 1))
    }

    /// A path named inside file `from`, resolved against that file's directory.
    #[must_use]
    pub fn relative(&self, from: usize, path: &str) -> PathBuf {
        let p = Path::new(path);
        if p.is_absolute() {
            return p.to_path_buf();
        }
        match self
            .paths
            .get(from)
            .and_then(|p| p.as_ref())
            .and_then(|p| p.parent())
        {
            Some(dir) => dir.join(p),
            None => p.to_path_buf(),
        }
    }

    /// Reports a finding at `at`.
    pub fn report(
        &mut self,
        code: &Code,
        severity: Severity,
        at: Loc,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        let d = Diagnostic::new(code.code, code.name, severity, message, at.span).with_help(help);
        self.diagnostics.push((at.file, d));
    }

    /// A construct the policy cannot say exactly, narrowed (warning, I101).
    pub fn narrowed(&mut self, at: Loc, message: impl Into<String>, help: impl Into<String>) {
        self.report(
            &codes::IMPORT_NOT_EXPRESSIBLE,
            Severity::Warning,
            at,
            message,
            help,
        );
    }

    /// A value computed at run time (warning, I102).
    pub fn runtime(&mut self, at: Loc, message: impl Into<String>, help: impl Into<String>) {
        self.report(
            &codes::IMPORT_RUNTIME_VALUE,
            Severity::Warning,
            at,
            message,
            help,
        );
    }

    /// Input that is not valid in its format (error, I001).
    pub fn unreadable(&mut self, at: Loc, message: impl Into<String>, help: impl Into<String>) {
        self.report(
            &codes::IMPORT_UNREADABLE,
            Severity::Error,
            at,
            message,
            help,
        );
    }

    /// A default of the format that applies without being written (warning, I105).
    pub fn implicit(&mut self, at: Loc, message: impl Into<String>, help: impl Into<String>) {
        self.report(
            &codes::IMPORT_IMPLICIT_DEFAULT,
            Severity::Warning,
            at,
            message,
            help,
        );
    }

    /// A construct left out because it grants nothing (note, I103).
    pub fn ignored(&mut self, at: Loc, message: impl Into<String>, help: impl Into<String>) {
        self.report(&codes::IMPORT_IGNORED, Severity::Note, at, message, help);
    }
}
