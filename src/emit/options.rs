//! How to compile: what a caller chooses beyond the policy and the target.

use super::capability::Shape;

/// How to compile: the output shape and, for complete servers, where they listen.
#[derive(Clone, Debug)]
pub struct Options {
    /// The shape of the output.
    pub shape: Shape,
    /// The address a complete server listens on (`--shape server`). A parsed address, not
    /// text: it is written into the output as it displays, so nothing but an IP and a port can
    /// reach a `listen` directive, whichever way (flag or manifest) it was given.
    pub listen: std::net::SocketAddr,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            shape: Shape::Include,
            listen: std::net::SocketAddr::from(([127, 0, 0, 1], 8080)),
        }
    }
}
