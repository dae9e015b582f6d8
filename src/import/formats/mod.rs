//! One file per input format — and the one list of them. A new format is one file here and
//! one line in the [`formats!`] list below, which both declares its module and registers it.
//! A format file never imports another; what they share is in [`super`] (the draft, the
//! context that reports findings, the writer).

use super::context::Importer;

/// Declares each format's module and lists the formats, in the order given (by id).
macro_rules! formats {
    ($($module:ident :: $format:ident),* $(,)?) => {
        $(pub mod $module;)*

        /// Every format, sorted by id.
        pub static FORMATS: &[&dyn Importer] = &[$(&$module::$format),*];
    };
}

formats! {
    apache::Apache,
    django::Django,
    express::Express,
    fastify::Fastify,
    flask::Flask,
    gcs::Gcs,
    ingress_nginx::IngressNginx,
    nginx::Nginx,
    rs_cors::RsCors,
    s3::S3,
    spring::Spring,
}
