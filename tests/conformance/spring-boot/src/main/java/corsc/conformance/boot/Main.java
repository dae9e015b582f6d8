package corsc.conformance.boot;

import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Conformance server for corsc-generated Spring classes on Spring Boot.
 *
 * <pre>java -cp CLASSPATH corsc.conformance.boot.Main PACKAGE CorscCorsConfiguration.java...</pre>
 *
 * Compiles each generated source unchanged (javac, in this JVM, against this classpath; every
 * file declares the same class in PACKAGE, so each gets its own output folder and class
 * loader), then runs one Spring Boot application per file ({@code spring-boot-starter-web}:
 * auto-configured Spring MVC on embedded Tomcat, port 0 on 127.0.0.1) whose component scan
 * covers PACKAGE, as an application's {@code @SpringBootApplication} scan finds a class in its
 * packages. Each application must hold exactly one bean of the generated class. Prints one
 * JSON line {"ports": [...]} once all listen. Every request gets a 200 answer from one route,
 * whatever its method and path. The process exits when standard input closes (the test that
 * started it is gone) and after ten minutes at most.
 */
public final class Main {
    private Main() {}

    /** A Boot application: auto-configuration, and a component scan of the generated package. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    @ComponentScan(basePackages = "${corsc.scan}")
    public static class App {
        @Bean
        public Routes routes() {
            return new Routes();
        }
    }

    /** The one route. */
    @RestController
    public static class Routes {
        @RequestMapping("/**")
        public ResponseEntity<String> any() {
            return ResponseEntity.ok().header("X-Corsc-Route", "any").body("{\"ok\":true}");
        }
    }

    public static void main(String[] args) throws Exception {
        Thread watch = new Thread(() -> {
            try {
                InputStream in = System.in;
                while (in.read() >= 0) {
                    // Read until the test closes the pipe.
                }
            } catch (Exception e) {
                // Exit below.
            }
            Runtime.getRuntime().halt(0);
        });
        watch.setDaemon(true);
        watch.start();
        Thread timer = new Thread(() -> {
            try {
                Thread.sleep(600_000);
            } catch (InterruptedException e) {
                // Exit below.
            }
            Runtime.getRuntime().halt(0);
        });
        timer.setDaemon(true);
        timer.start();

        // Spring Boot logs to standard output; the ready line must be its first line.
        java.io.PrintStream ready = System.out;
        System.setOut(System.err);
        String pkg = args[0];
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        String classpath = System.getProperty("java.class.path");
        List<Integer> ports = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            Path src = Path.of(args[i]).toAbsolutePath();
            Path out = src.getParent().resolve("classes");
            Files.createDirectories(out);
            int rc = javac.run(null, null, null, "-Xlint:all", "-Werror", "-encoding", "US-ASCII",
                    "-cp", classpath, "-d", out.toString(), src.toString());
            if (rc != 0) {
                System.err.println("javac failed on " + src);
                System.exit(2);
            }
            ClassLoader loader = new URLClassLoader(new URL[] {out.toUri().toURL()}, Main.class.getClassLoader());
            Class<?> generated = loader.loadClass(pkg + ".CorscCorsConfiguration");

            SpringApplication app = new SpringApplication(new DefaultResourceLoader(loader), App.class);
            app.setBannerMode(Banner.Mode.OFF);
            app.setLogStartupInfo(false);
            app.setRegisterShutdownHook(false);
            Map<String, Object> props = new HashMap<>();
            props.put("corsc.scan", pkg);
            props.put("server.port", "0");
            props.put("server.address", "127.0.0.1");
            props.put("spring.jmx.enabled", "false");
            props.put("logging.level.root", "WARN");
            // Many applications share the JVM: a few request threads each.
            props.put("server.tomcat.threads.min-spare", "1");
            props.put("server.tomcat.threads.max", "8");
            app.setDefaultProperties(props);
            Thread.currentThread().setContextClassLoader(loader);
            ConfigurableApplicationContext ctx = app.run();
            int found = ctx.getBeanNamesForType(generated).length;
            if (found != 1) {
                System.err.println("component scanning found " + found + " beans of " + generated.getName() + " in " + src);
                System.exit(2);
            }
            ports.add(Integer.parseInt(ctx.getEnvironment().getProperty("local.server.port")));
        }
        StringBuilder line = new StringBuilder("{\"ports\": [");
        for (int i = 0; i < ports.size(); i++) {
            line.append(i == 0 ? "" : ", ").append(ports.get(i));
        }
        ready.println(line.append("]}"));
        ready.flush();
        Thread.currentThread().join();
    }
}
