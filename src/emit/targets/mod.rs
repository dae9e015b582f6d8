//! One file per target; each renders a [`crate::emit::Plan`] and nothing else.

pub mod actix;
pub mod apache;
pub mod django;
pub mod express;
pub mod fastify;
pub mod flask;
pub mod frameworks;
pub mod go;
pub mod nginx;
pub mod spring;
pub mod starlette;
pub mod tower_http;
