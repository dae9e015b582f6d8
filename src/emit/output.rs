//! What a compilation produces: one or more generated files.

/// One generated file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    /// Its file name when the output is written to a directory, e.g. `corsc-http.conf`.
    pub file_name: &'static str,
    /// Where it goes, in words, e.g. `inside http { }`.
    pub placement: &'static str,
    /// The text, ending with a newline.
    pub text: String,
}

/// What a compilation produced: one part, or several that go to different places.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Output {
    /// The parts, in the order a reader should see them.
    pub parts: Vec<Part>,
}

impl Output {
    /// An output of one part.
    #[must_use]
    pub fn one(file_name: &'static str, placement: &'static str, text: String) -> Output {
        Output {
            parts: vec![Part {
                file_name,
                placement,
                text,
            }],
        }
    }

    /// All parts as one text, each introduced by a banner saying where it goes. A single part
    /// is returned as it is.
    #[must_use]
    pub fn joined(&self) -> String {
        if let [one] = self.parts.as_slice() {
            return one.text.clone();
        }
        let n = self.parts.len();
        let mut s = String::new();
        for (i, p) in self.parts.iter().enumerate() {
            if i > 0 {
                s.push('\n');
            }
            s.push_str(&format!(
                "# ======== part {} of {n}: {} (`-o DIR` writes it to DIR/{}) ========\n",
                i + 1,
                p.placement,
                p.file_name
            ));
            s.push_str(&p.text);
        }
        s
    }
}
