// Serves corsc's `hono` and `koa` output for `corsc verify`.
//
// tests/conformance_hono_koa.rs copies this file into a folder whose `node_modules` is that of
// tests/conformance/node-ts (newest releases) or node-ts-oldest (oldest claimed), beside the
// generated modules (the hono ones compiled from TypeScript by tsc). Usage:
//   node serve.mjs hono|koa MODULE...
// Each module is served on its own ephemeral port of 127.0.0.1 by an app that mounts it first
// and answers every request it lets through with 200 "ok"; one line {"ports":[...]} on
// standard output says which, in argument order. The process exits when standard input
// closes (the test is gone) and after ten minutes in any case.
//
// With CORSC_ROUTES=1 the app answers from three routes declared with the framework's own
// router instead (Hono's; Koa's `@koa/router`): `/api/admin/*`, `/api/*` and everything else,
// each naming itself in `X-Corsc-Route` (tests/security/paths.rs: a request must get the CORS
// of the policy owning the route the router picked).
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const [framework, ...modules] = process.argv.slice(2);

async function hono(file) {
    const { Hono } = await import('hono');
    const { serve } = await import('@hono/node-server');
    const corsc = (await import(pathToFileURL(file).href)).default;
    const app = new Hono();
    app.use(corsc);
    if (process.env.CORSC_ROUTES === '1') {
        const route = (name) => (c) => {
            c.header('X-Corsc-Route', name);
            return c.text('ok\n');
        };
        app.all('/api/admin/*', route('admin'));
        app.all('/api/*', route('api'));
    }
    app.all('*', (c) => {
        if (process.env.CORSC_ROUTES === '1') {
            c.header('X-Corsc-Route', 'other');
        }
        return c.text('ok\n');
    });
    return new Promise((resolve) => {
        serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port));
    });
}

async function koa(file) {
    const Koa = require('koa');
    const corsc = require(file);
    const app = new Koa();
    app.use(corsc);
    if (process.env.CORSC_ROUTES === '1') {
        const Router = require('@koa/router');
        const router = new Router();
        const route = (name) => (ctx) => {
            ctx.set('X-Corsc-Route', name);
            ctx.body = 'ok\n';
        };
        router.all('/api/admin/{*rest}', route('admin'));
        router.all('/api/{*rest}', route('api'));
        router.all('/{*rest}', route('other'));
        app.use(router.routes());
    }
    app.use((ctx) => {
        ctx.body = 'ok\n';
    });
    return new Promise((resolve) => {
        const server = app.listen(0, '127.0.0.1', () => resolve(server.address().port));
    });
}

const serveOne = { hono, koa }[framework];
if (!serveOne) {
    process.stderr.write(`unknown framework ${framework}\n`);
    process.exit(2);
}
const ports = [];
for (const m of modules) {
    ports.push(await serveOne(m));
}
process.stdout.write(`${JSON.stringify({ ports })}\n`);
process.stdin.on('data', () => {});
process.stdin.on('end', () => process.exit(0));
setTimeout(() => process.exit(0), 10 * 60 * 1000).unref();
