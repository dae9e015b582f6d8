//! One file per target: its [`crate::emit::TargetMeta`] (`META`) and a renderer of a
//! [`crate::emit::Plan`]. A target file never imports another; shared code is in
//! [`crate::emit::lang`] and [`crate::emit::scopes`].

pub mod actix;
pub mod apache;
pub mod django;
pub mod express;
pub mod fastify;
pub mod flask;
pub mod go;
pub mod nginx;
pub mod spring;
pub mod starlette;
pub mod tower_http;
