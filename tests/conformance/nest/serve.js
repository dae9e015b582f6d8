'use strict';
// Conformance server for corsc-generated NestJS options (tests/conformance_nest.rs).
//
//   node serve.js express|fastify MODULE...
//
// Each MODULE is a generated `corsc-nestjs.ts` compiled to JavaScript. For each, one Nest
// application on the given platform (`@nestjs/platform-express` or `@nestjs/platform-fastify`)
// is created, given the module's export with `app.enableCors(corscCorsOptions)` exactly as a
// user would, and listens on an ephemeral port of 127.0.0.1. The app has no controller: every
// request Nest does not answer as a preflight gets its 404, with whatever CORS headers the
// options gave it. With CORSC_NEST_ROUTES=1 the app has one controller instead, with three
// GET routes declared with Nest's own decorators (`api/admin/*`, `api/*`, everything else), each
// naming itself in `X-Corsc-Route` (tests/security/paths.rs: a request must get the CORS of
// the policy owning the route the platform picked). A MODULE ending in `.ts` is transpiled
// first. Prints one JSON line `{"ports":[...]}` once every app listens; exits when
// standard input closes (the test that started it is gone) and after ten minutes at most.

const path = require('path');

const [platform, ...modules] = process.argv.slice(2);

// The packages come from CORSC_NODE_DIR's node_modules (tests/conformance/nest, the newest
// releases, or tests/conformance/nest-oldest, the oldest claimed).
const packages = process.env.CORSC_NODE_DIR || __dirname;
const load = (name) => require(require.resolve(name, { paths: [packages] }));

load('reflect-metadata');
const { Module, Controller, Get, Header } = load('@nestjs/common');
const { NestFactory } = load('@nestjs/core');

/** A controller whose routes name themselves (CORSC_NEST_ROUTES=1). */
class Routes {
    admin() {
        return { route: 'admin' };
    }
    api() {
        return { route: 'api' };
    }
    other() {
        return { route: 'other' };
    }
}
for (const [name, route] of [['admin', 'api/admin/*'], ['api', 'api/*'], ['other', '*']]) {
    const d = Object.getOwnPropertyDescriptor(Routes.prototype, name);
    Header('X-Corsc-Route', name)(Routes.prototype, name, d);
    // GET only: @fastify/cors declares OPTIONS for every path itself.
    Get(route)(Routes.prototype, name, d);
    Object.defineProperty(Routes.prototype, name, d);
}
Controller()(Routes);

class AppModule {}
Module({ controllers: process.env.CORSC_NEST_ROUTES === '1' ? [Routes] : [] })(AppModule);

/** The module's path, transpiled to JavaScript first when it is TypeScript. */
function javascript(mod) {
    const file = path.resolve(mod);
    if (!file.endsWith('.ts')) {
        return file;
    }
    const ts = load('typescript');
    const fs = require('fs');
    const out = ts.transpileModule(fs.readFileSync(file, 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2021 },
    });
    const js = file.replace(/\.ts$/, '.js');
    fs.writeFileSync(js, out.outputText);
    return js;
}

function adapter() {
    if (platform === 'express') {
        return new (load('@nestjs/platform-express').ExpressAdapter)();
    }
    if (platform === 'fastify') {
        return new (load('@nestjs/platform-fastify').FastifyAdapter)();
    }
    throw new Error(`unknown platform ${platform}`);
}

async function serve(mod) {
    const app = await NestFactory.create(AppModule, adapter(), { logger: false });
    app.enableCors(require(javascript(mod)).corscCorsOptions);
    await app.listen(0, '127.0.0.1');
    return app.getHttpServer().address().port;
}

async function main() {
    const ports = [];
    for (const m of modules) {
        ports.push(await serve(m));
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
