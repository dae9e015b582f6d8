'use strict';
// Conformance server for corsc-generated Express and Fastify modules.
//
//   node serve.js express|fastify MODULE...
//
// Loads each generated module unchanged, mounts it on its own app listening on an ephemeral
// port of 127.0.0.1, and prints one JSON line `{"ports":[...]}` (one port per module, in
// order) once every app listens. Every request that the module lets through gets a 200 JSON
// answer, whatever its method, from one of three routes declared with the framework's own
// router (`/api/admin/*`, `/api/*`, everything else), which names itself in the
// `X-Corsc-Route` header: tests/security/paths.rs checks that a request gets the CORS of the
// policy owning the route the framework actually picked. The process exits when standard input closes (the test that
// started it is gone) and after ten minutes at most.

const path = require('path');

const [framework, ...modules] = process.argv.slice(2);

// The packages come from CORSC_NODE_DIR's node_modules (tests/conformance/node, the newest
// releases, or tests/conformance/node-oldest, the oldest claimed), not from the folders above
// this file, which Node.js would search first.
const packages = process.env.CORSC_NODE_DIR || __dirname;
const load = (name) => require(require.resolve(name, { paths: [packages] }));

async function expressApp(mod) {
    const express = load('express');
    // Express 5 names a wildcard (`*splat`); Express 4 takes a bare `*`.
    const star = load('express/package.json').version.startsWith('4.') ? '*' : '*splat';
    const app = express();
    // CORSC_EXPRESS_ROUTING=sensitive,strict turns on Express's case-sensitive / strict routing,
    // which the generated dispatcher must follow.
    const routing = String(process.env.CORSC_EXPRESS_ROUTING || '').split(',');
    app.set('case sensitive routing', routing.includes('sensitive'));
    app.set('strict routing', routing.includes('strict'));
    app.use(require(path.resolve(mod)));
    const route = (name) => (req, res) => res.set('X-Corsc-Route', name).json({ ok: true, route: name });
    app.all(`/api/admin/${star}`, route('admin'));
    app.all(`/api/${star}`, route('api'));
    app.use(route('other'));
    return new Promise((resolve, reject) => {
        const server = app.listen(0, '127.0.0.1', () => resolve(server.address().port));
        server.on('error', reject);
    });
}

async function fastifyApp(mod) {
    // CORSC_FASTIFY_ROUTER='{"caseSensitive":false,...}' sets router options, which the
    // generated plugin must follow.
    const router = JSON.parse(process.env.CORSC_FASTIFY_ROUTER || '{}');
    const fastify = load('fastify')({ logger: false, ...router });
    await fastify.register(require(path.resolve(mod)));
    // @fastify/cors declares `OPTIONS *` itself (a second OPTIONS route for the same path
    // throws), so the app's routes take every other method.
    const method = fastify.supportedMethods.filter((m) => m !== 'OPTIONS');
    // Probes send a Content-Type without a body; the app reads no body at all.
    fastify.removeAllContentTypeParsers();
    fastify.addContentTypeParser('*', (req, payload, done) => done(null));
    const route = (name) => async (request, reply) => {
        reply.header('X-Corsc-Route', name);
        return { ok: true, route: name };
    };
    fastify.route({ method, url: '/api/admin/*', handler: route('admin') });
    fastify.route({ method, url: '/api/*', handler: route('api') });
    fastify.route({ method, url: '/*', handler: route('other') });
    fastify.route({ method, url: '/', handler: route('other') });
    await fastify.listen({ port: 0, host: '127.0.0.1' });
    return fastify.server.address().port;
}

async function main() {
    const start = { express: expressApp, fastify: fastifyApp }[framework];
    if (!start) {
        throw new Error(`unknown framework ${framework}`);
    }
    const ports = [];
    for (const m of modules) {
        ports.push(await start(m));
    }
    process.stdout.write(`${JSON.stringify({ ports })}\n`);
}

process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
setTimeout(() => process.exit(0), 600_000).unref();
main().catch((e) => {
    process.stderr.write(`${e.stack || e}\n`);
    process.exit(1);
});
