//! How to compile: what a caller chooses beyond the policy and the target.

use super::capability::Shape;
use super::dropin::{KeptHeader, Namespace};
use super::lang::java_package::JavaPackage;

/// How to compile: the output shape, for complete servers where they listen, and for proxy
/// output the namespace and kept headers, for Java output its package.
#[derive(Clone, Debug)]
pub struct Options {
    /// The shape of the output.
    pub shape: Shape,
    /// The address a complete server listens on (`--shape server`). A parsed address, not
    /// text: it is written into the output as it displays, so nothing but an IP and a port can
    /// reach a `listen` directive, whichever way (flag or manifest) it was given.
    pub listen: std::net::SocketAddr,
    /// The namespace of every name the output defines (nginx variables, Apache environment
    /// variables); `None` derives one from the provenance ([`Namespace::of`]).
    pub namespace: Option<Namespace>,
    /// Server-level headers the output repeats where it adds its own (nginx drops them there).
    pub keep_headers: Vec<KeptHeader>,
    /// The package of a generated Java class (`--java-package`); Java targets only.
    pub java_package: JavaPackage,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            shape: Shape::Include,
            listen: std::net::SocketAddr::from(([127, 0, 0, 1], 8080)),
            namespace: None,
            keep_headers: Vec::new(),
            java_package: JavaPackage::default(),
        }
    }
}
