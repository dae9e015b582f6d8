//! Content-Length framing over standard input and output, read by a thread of its own so the
//! server can drain every message already queued before it analyses (a burst of keystrokes
//! costs one analysis, of the latest text).
//!
//! The framing is read here rather than by `lsp-server`'s stdio transport: a malformed message
//! must be answered with a parse error and skipped, and a `Content-Length` larger than any
//! policy must be refused before its buffer is allocated.

use lsp_server::Message;
use std::io::{BufRead, Write};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::thread::JoinHandle;

/// The largest message body read, well above any policy the limits let through.
const MAX_BODY: usize = 64 * 1024 * 1024;

/// Writes one message to the client.
type Writer = Box<dyn FnMut(&Message) -> std::io::Result<()>>;

/// The two ends the server uses.
pub(super) struct Connection {
    /// Messages from the client, in order.
    pub(super) receiver: Receiver<Message>,
    /// Writes one message to standard output.
    pub(super) out: Writer,
}

/// What reading one frame gave.
enum Frame {
    Message(Message),
    /// A frame that could not be used; the text says why.
    Bad(String),
    End,
}

/// Starts the reader thread over standard input.
pub(super) fn stdio() -> (Connection, JoinHandle<()>) {
    let (tx, rx) = channel();
    let reader = std::thread::spawn(move || read_loop(&mut std::io::stdin().lock(), &tx));
    let out = Box::new(|m: &Message| {
        let mut stdout = std::io::stdout().lock();
        m.clone().write(&mut stdout)?;
        stdout.flush()
    });
    (Connection { receiver: rx, out }, reader)
}

/// Reads frames until the end of input or `exit`. A bad frame is skipped with a line on
/// standard error: it carries no request id a response could name.
fn read_loop(input: &mut impl BufRead, tx: &Sender<Message>) {
    loop {
        let msg = match read_frame(input) {
            Frame::End => return,
            Frame::Message(m) => m,
            Frame::Bad(why) => {
                eprintln!("corsc lsp: skipped a message: {why}");
                continue;
            }
        };
        let exit = matches!(&msg, Message::Notification(n) if n.method == "exit");
        if tx.send(msg).is_err() || exit {
            return;
        }
    }
}

/// One frame: headers up to a blank line, then `Content-Length` bytes of JSON.
fn read_frame(input: &mut impl BufRead) -> Frame {
    let mut length: Option<usize> = None;
    let mut bad: Option<String> = None;
    let mut seen_header = false;
    loop {
        let mut line = String::new();
        match input.read_line(&mut line) {
            Ok(0) | Err(_) => return Frame::End,
            Ok(_) => {}
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if seen_header {
                break;
            }
            continue;
        }
        seen_header = true;
        let Some((name, value)) = line.split_once(':') else {
            bad.get_or_insert_with(|| format!("malformed header line {line:?}"));
            continue;
        };
        if name.trim().eq_ignore_ascii_case("content-length") {
            match value.trim().parse::<usize>() {
                Ok(n) if n <= MAX_BODY => length = Some(n),
                Ok(n) => {
                    bad.get_or_insert_with(|| format!("Content-Length {n} is over {MAX_BODY}"));
                }
                Err(_) => {
                    bad.get_or_insert_with(|| format!("bad Content-Length {:?}", value.trim()));
                }
            }
        }
    }
    if let Some(why) = bad {
        return Frame::Bad(why);
    }
    let Some(n) = length else {
        return Frame::Bad("a message without Content-Length".into());
    };
    let mut body = vec![0; n];
    if input.read_exact(&mut body).is_err() {
        return Frame::End;
    }
    match serde_json::from_slice::<Message>(&body) {
        Ok(m) => Frame::Message(m),
        Err(e) => Frame::Bad(format!("malformed message: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::{read_frame, Frame};

    fn frames(text: &str) -> Vec<String> {
        let mut input = std::io::Cursor::new(text.as_bytes().to_vec());
        let mut out = Vec::new();
        loop {
            match read_frame(&mut input) {
                Frame::End => return out,
                Frame::Bad(why) => out.push(format!("bad: {why}")),
                Frame::Message(m) => out.push(format!("{m:?}")),
            }
        }
    }

    #[test]
    fn bad_frames_are_skipped_and_the_next_one_read() {
        let good = r#"{"jsonrpc":"2.0","method":"exit"}"#;
        let text = format!(
            "Content-Length: abc\r\n\r\nContent-Length: 3\r\n\r\n{{x}}Content-Length: 99999999999\r\n\r\nContent-Length: {}\r\n\r\n{good}",
            good.len()
        );
        let got = frames(&text);
        assert!(got[0].starts_with("bad: bad Content-Length"), "{got:?}");
        assert!(got[1].starts_with("bad: malformed message"), "{got:?}");
        assert!(
            got[2].starts_with("bad: Content-Length 99999999999"),
            "{got:?}"
        );
        assert!(got.last().unwrap().contains("exit"), "{got:?}");
    }
}
