// A correct configuration: exact origins, one subdomain pattern with a port list,
// credentials, listed methods and headers.
package com.example.api;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.CorsRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

@Configuration
public class ApiCorsConfig implements WebMvcConfigurer {
    private static final String[] FRONTENDS = {"https://app.example.com", "https://admin.example.com"};

    @Override
    public void addCorsMappings(CorsRegistry registry) {
        registry.addMapping("/api/**")
                .allowedOrigins(FRONTENDS)
                .allowedOriginPatterns("https://*.preview.example.com:[443,8443]")
                .allowedMethods("GET", "PUT", "DELETE")
                .allowedHeaders("Content-Type", "X-CSRF-Token")
                .exposedHeaders("X-Request-Id")
                .allowCredentials(true)
                .maxAge(7200);
    }
}
