package corsc.conformance;

import java.io.File;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.startup.Tomcat;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.support.AnnotationConfigWebApplicationContext;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.config.annotation.EnableWebMvc;

/**
 * Conformance server for corsc-generated Spring classes.
 *
 * <pre>java -cp CLASSPATH corsc.conformance.Main CorscCorsConfiguration.java...</pre>
 *
 * Compiles each generated source unchanged (javac, in this JVM, against this classpath;
 * every file declares the same class, so each gets its own output folder and class loader),
 * gives each its own Spring MVC application on its own embedded Tomcat on an ephemeral port
 * of 127.0.0.1, and prints one JSON line {"ports": [...]} once all listen. Every request
 * gets a 200 answer from one route, whatever its method and path. The process exits when
 * standard input closes (the test that started it is gone) and after ten minutes at most.
 */
public final class Main {
    private Main() {}

    /** Spring MVC with one route that answers every method on every path. */
    @Configuration
    @EnableWebMvc
    public static class App {
        @org.springframework.context.annotation.Bean
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

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        String classpath = System.getProperty("java.class.path");
        List<Integer> ports = new ArrayList<>();
        for (String source : args) {
            Path src = Path.of(source).toAbsolutePath();
            Path out = src.getParent().resolve("classes");
            Files.createDirectories(out);
            int rc = javac.run(null, null, null, "-Xlint:all", "-Werror", "-encoding", "US-ASCII",
                    "-cp", classpath, "-d", out.toString(), src.toString());
            if (rc != 0) {
                System.err.println("javac failed on " + src);
                System.exit(2);
            }
            ClassLoader loader = new URLClassLoader(new URL[] {out.toUri().toURL()}, Main.class.getClassLoader());
            Class<?> generated = loader.loadClass("corsc.generated.CorscCorsConfiguration");

            AnnotationConfigWebApplicationContext ctx = new AnnotationConfigWebApplicationContext();
            ctx.setClassLoader(loader);
            ctx.register(App.class, generated);

            Tomcat tomcat = new Tomcat();
            Path base = Files.createTempDirectory("corsc-spring-");
            base.toFile().deleteOnExit();
            tomcat.setBaseDir(base.toString());
            tomcat.setHostname("127.0.0.1");
            tomcat.getConnector().setPort(0);
            tomcat.getConnector().setProperty("address", "127.0.0.1");
            tomcat.getEngine().setName("corsc-" + ports.size());
            Context context = tomcat.addContext("", base.toString());
            Wrapper servlet = Tomcat.addServlet(context, "dispatcher", new DispatcherServlet(ctx));
            servlet.setLoadOnStartup(1);
            context.addServletMappingDecoded("/", "dispatcher");
            tomcat.start();
            ports.add(tomcat.getConnector().getLocalPort());
        }
        StringBuilder line = new StringBuilder("{\"ports\": [");
        for (int i = 0; i < ports.size(); i++) {
            line.append(i == 0 ? "" : ", ").append(ports.get(i));
        }
        System.out.println(line.append("]}"));
        System.out.flush();
        Thread.currentThread().join();
    }
}
