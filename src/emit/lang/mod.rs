//! What the renderers of one host language share, whatever the target: string literals
//! ([`strings`], all languages side by side), regex forms, header comments, and the code shapes
//! several targets of a language generate alike. A target file imports these, never another
//! target's file.

pub mod go;
pub mod java;
pub mod java_package;
pub mod js;
pub mod k8s;
pub mod python;
pub mod ruby;
pub mod rust;
pub mod strings;
