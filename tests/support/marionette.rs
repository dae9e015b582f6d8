//! A minimal client for Marionette, the remote protocol built into Firefox, so a test can drive
//! the distribution's `firefox-esr` without downloading geckodriver.
//!
//! The protocol is JSON over TCP, each message framed as `LEN:JSON` (LEN is the byte length of
//! the JSON in decimal). On connect the server sends a greeting; a command is
//! `[0, id, "Name", {params}]` and its answer `[1, id, error, result]`, `error` being `null` on
//! success. Firefox started with `--marionette` and the pref `marionette.port` 0 listens on
//! 127.0.0.1 on a free port and writes that port to `MarionetteActivePort` in the profile.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

/// One connection to Firefox's Marionette server.
pub struct Marionette {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    next_id: u64,
}

impl Marionette {
    /// Waits (up to `wait`) for Firefox to write its Marionette port into `profile`, connects
    /// and reads the greeting.
    pub fn connect(profile: &Path, wait: Duration) -> Result<Marionette, String> {
        let deadline = Instant::now() + wait;
        let port_file = profile.join("MarionetteActivePort");
        loop {
            let port = std::fs::read_to_string(&port_file)
                .ok()
                .and_then(|s| s.trim().parse::<u16>().ok());
            if let Some(port) = port {
                if let Ok(stream) = TcpStream::connect(("127.0.0.1", port)) {
                    let _ = stream.set_read_timeout(Some(Duration::from_secs(120)));
                    let writer = stream.try_clone().map_err(|e| e.to_string())?;
                    let mut m = Marionette {
                        reader: BufReader::new(stream),
                        writer,
                        next_id: 1,
                    };
                    let hello = m.read_message()?;
                    if hello.get("marionetteProtocol").is_none() {
                        return Err(format!("unexpected greeting {hello}"));
                    }
                    return Ok(m);
                }
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "Firefox did not open its Marionette port within {wait:?}"
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Reads one `LEN:JSON` message.
    fn read_message(&mut self) -> Result<Value, String> {
        let mut len = Vec::new();
        self.reader
            .read_until(b':', &mut len)
            .map_err(|e| format!("reading from Marionette: {e}"))?;
        let len: usize = std::str::from_utf8(len.strip_suffix(b":").unwrap_or(&len))
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .ok_or_else(|| format!("bad Marionette frame length {len:?}"))?;
        let mut body = vec![0; len];
        self.reader
            .read_exact(&mut body)
            .map_err(|e| format!("reading from Marionette: {e}"))?;
        serde_json::from_slice(&body).map_err(|e| format!("Marionette sent bad JSON: {e}"))
    }

    /// Sends a command and returns its result, or the error Marionette reported.
    pub fn command(&mut self, name: &str, params: Value) -> Result<Value, String> {
        let id = self.next_id;
        self.next_id += 1;
        let body = json!([0, id, name, params]).to_string();
        self.writer
            .write_all(format!("{}:{body}", body.len()).as_bytes())
            .map_err(|e| format!("writing to Marionette: {e}"))?;
        loop {
            let msg = self.read_message()?;
            // Answers carry our id; anything else (events) is skipped.
            if msg.get(0) == Some(&json!(1)) && msg.get(1) == Some(&json!(id)) {
                let error = msg.get(2).cloned().unwrap_or(Value::Null);
                if !error.is_null() {
                    return Err(format!("{name}: {error}"));
                }
                return Ok(msg.get(3).cloned().unwrap_or(Value::Null));
            }
        }
    }

    /// Starts a WebDriver session; returns its capabilities (`browserVersion` among them).
    pub fn new_session(&mut self) -> Result<Value, String> {
        let r = self.command("WebDriver:NewSession", json!({}))?;
        Ok(r.get("capabilities").cloned().unwrap_or(Value::Null))
    }

    /// Opens a new tab and makes it the current one. The window Firefox starts with may still
    /// hold its initial parent-process page when the session starts, and script cannot run
    /// in that context; a tab opened now is an ordinary content tab.
    pub fn new_tab(&mut self) -> Result<(), String> {
        let r = self.command(
            "WebDriver:NewWindow",
            json!({ "type": "tab", "focus": true }),
        )?;
        let handle = r
            .get("handle")
            .cloned()
            .ok_or_else(|| format!("WebDriver:NewWindow answered {r}"))?;
        self.command(
            "WebDriver:SwitchToWindow",
            json!({ "handle": handle, "focus": true }),
        )
        .map(|_| ())
    }

    /// The current tab's URL.
    pub fn current_url(&mut self) -> Result<String, String> {
        let r = self.command("WebDriver:GetCurrentURL", json!({}))?;
        Ok(r.get("value")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string())
    }

    /// Loads `url` in the current tab and waits for the load to finish.
    pub fn navigate(&mut self, url: &str) -> Result<(), String> {
        self.command("WebDriver:Navigate", json!({ "url": url }))
            .map(|_| ())
    }

    /// Runs `script` (a function body; `return` gives the value) in the page.
    pub fn execute(&mut self, script: &str) -> Result<Value, String> {
        let r = self.command(
            "WebDriver:ExecuteScript",
            json!({ "script": script, "args": [] }),
        )?;
        Ok(r.get("value").cloned().unwrap_or(Value::Null))
    }

    /// Asks Firefox to exit without prompting.
    pub fn quit(&mut self) {
        let _ = self.command("Marionette:Quit", json!({ "flags": ["eForceQuit"] }));
    }
}
