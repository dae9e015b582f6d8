//! One file per target: its [`crate::emit::TargetMeta`] (`META`) and a renderer of a
//! [`crate::emit::Plan`] — and the one list of them. A new target is one file here and one
//! line in the [`targets!`] list below, which both declares the target's module and registers
//! it; nothing else names every target. A target file never imports another; shared code is in
//! [`crate::emit::lang`], [`crate::emit::scopes`], [`crate::emit::lists`] and
//! [`crate::emit::writer`].

use super::target::Target;

/// Declares each target's module and lists the targets, in the order given (by id).
macro_rules! targets {
    ($($module:ident :: $target:ident),* $(,)?) => {
        $(pub mod $module;)*

        /// Every target, sorted by id.
        pub static TARGETS: &[&dyn Target] = &[$(&$module::$target),*];
    };
}

targets! {
    actix::Actix,
    apache::Apache,
    caddy::Caddy,
    chi::Chi,
    cloudfront::Cloudfront,
    django::Django,
    echo::Echo,
    envoy::Envoy,
    express::Express,
    fastify::Fastify,
    flask::Flask,
    gateway_api::GatewayApi,
    gcs::Gcs,
    gin::Gin,
    go::Go,
    haproxy::Haproxy,
    hono::Hono,
    ingress_nginx::IngressNginx,
    istio::Istio,
    koa::Koa,
    nestjs::Nestjs,
    nginx::Nginx,
    rails::Rails,
    s3::S3,
    spring::Spring,
    starlette::Starlette,
    tower_http::TowerHttp,
    traefik::Traefik,
    workers::Workers,
}
